import type { Sequelize } from 'sequelize';
import type { AppConfig } from '../../config';
import { setReviewDeadlineMargin } from '../../metrics/db-gauges';
import { FraudScreen } from './fraud-screen';
import { FraudSignals } from './fraud-signals';
import { loadFraudRules, loadIpDenyList, type FraudRules } from './fraud-rules';
import type { PaymentActions } from './payment-actions';
import { ReviewService, type AuditAppender } from './review-service';

/** The fraud screen, review queue and webhook signals of one app, built from config. */
export interface FraudServices {
  rules: FraudRules;
  screen: FraudScreen;
  reviews: ReviewService;
  signals: FraudSignals;
}

/** Reads the rules file and deny list (a bad file stops start-up with its reason). */
export function createFraudServices(
  sequelize: Sequelize,
  config: AppConfig,
  options: { audit?: AuditAppender; actions?: PaymentActions; rules?: FraudRules },
): FraudServices {
  const rules = options.rules ?? loadFraudRules(config.ops.fraudRulesFile);
  const denyList = loadIpDenyList(config.ops.fraudIpDenyListFile);
  setReviewDeadlineMargin(rules.review.warnBeforeHours * 3600);
  const reviews = new ReviewService(sequelize, rules, options.audit, options.actions);
  return {
    rules,
    screen: new FraudScreen(sequelize, rules, denyList),
    reviews,
    signals: new FraudSignals(rules, reviews),
  };
}
