import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Joi from 'joi';

/** Settings of the ops features: metrics, daily reports, alerts and the fraud screen. */
export interface OpsConfig {
  /** Bearer token for GET /metrics (METRICS_TOKEN). Generated at start when unset. */
  metricsToken: string;
  /** True when metricsToken was generated here (printed in the start banner). */
  metricsTokenGenerated: boolean;
  /** IANA time zone of the daily report when a request names none. Default UTC. */
  reportTimeZone: string;
  /** How often each instance checks whether a daily report is due (ms). Default 5 minutes. */
  reportScheduleIntervalMs: number;
  /** How many past days the scheduler (re)computes on each run. Default 2. */
  reportLookbackDays: number;
  alerts: AlertThresholds;
  /** JSON file with the fraud rules. Default config/fraud.json. */
  fraudRulesFile: string;
  /** Text file of denied IP addresses and CIDR ranges, one per line; unset means none. */
  fraudIpDenyListFile: string | undefined;
}

export interface AlertThresholds {
  /** How often each instance evaluates the alerts (ms). Default 60 s. */
  intervalMs: number;
  /** Window over which success and Stripe error rates are measured (s). Default 900. */
  windowSeconds: number;
  /** Alert when the payment success rate in the window falls below this. Default 0.8. */
  minSuccessRate: number;
  /** Ignore the success rate until this many payments were attempted. Default 20. */
  minAttempts: number;
  /** Alert when the oldest unapplied webhook event is older than this (s). Default 300. */
  maxInboxLagSeconds: number;
  /** Alert when this share of Stripe calls in the window failed. Default 0.1. */
  maxStripeErrorRate: number;
  /** Ignore the Stripe error rate until this many calls were made. Default 20. */
  minStripeCalls: number;
}

const timeZone = Joi.string().custom((value: string) => {
  if (!isTimeZone(value)) throw new Error('not an IANA time zone');
  return value;
});

const schema = Joi.object({
  METRICS_TOKEN: Joi.string().min(16).max(200).pattern(/^\S+$/),
  REPORT_TIME_ZONE: timeZone.default('UTC'),
  REPORT_SCHEDULE_INTERVAL_MS: Joi.number().integer().min(1000).default(300_000),
  REPORT_LOOKBACK_DAYS: Joi.number().integer().min(1).max(31).default(2),
  ALERT_INTERVAL_MS: Joi.number().integer().min(1000).default(60_000),
  ALERT_WINDOW_SECONDS: Joi.number().integer().min(60).default(900),
  ALERT_MIN_SUCCESS_RATE: Joi.number().min(0).max(1).default(0.8),
  ALERT_MIN_ATTEMPTS: Joi.number().integer().min(1).default(20),
  ALERT_MAX_INBOX_LAG_SECONDS: Joi.number().integer().min(1).default(300),
  ALERT_MAX_STRIPE_ERROR_RATE: Joi.number().min(0).max(1).default(0.1),
  ALERT_MIN_STRIPE_CALLS: Joi.number().integer().min(1).default(20),
  FRAUD_RULES_FILE: Joi.string().default(path.resolve(__dirname, '../../config/fraud.json')),
  FRAUD_IP_DENYLIST_FILE: Joi.string(),
}).unknown(true);

/** True when the runtime knows the IANA zone name (PostgreSQL knows the same set). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return /^[A-Za-z_+\-/0-9]{1,64}$/.test(name);
  } catch {
    return false;
  }
}

/** Reads the ops settings; throws an Error naming the first bad variable. */
export function loadOpsConfig(env: NodeJS.ProcessEnv): OpsConfig {
  const { error, value } = schema.validate(env, { abortEarly: true, convert: true });
  if (error) {
    const variable = String(error.details[0]?.path[0] ?? 'environment');
    throw Object.assign(new Error(`Invalid environment variable ${variable}: ${error.message}`), {
      variable,
    });
  }
  const v = value as Record<string, never>;
  const token = v.METRICS_TOKEN as string | undefined;
  return {
    metricsToken: token ?? `mt_${randomBytes(24).toString('base64url')}`,
    metricsTokenGenerated: !token,
    reportTimeZone: v.REPORT_TIME_ZONE,
    reportScheduleIntervalMs: v.REPORT_SCHEDULE_INTERVAL_MS,
    reportLookbackDays: v.REPORT_LOOKBACK_DAYS,
    alerts: {
      intervalMs: v.ALERT_INTERVAL_MS,
      windowSeconds: v.ALERT_WINDOW_SECONDS,
      minSuccessRate: v.ALERT_MIN_SUCCESS_RATE,
      minAttempts: v.ALERT_MIN_ATTEMPTS,
      maxInboxLagSeconds: v.ALERT_MAX_INBOX_LAG_SECONDS,
      maxStripeErrorRate: v.ALERT_MAX_STRIPE_ERROR_RATE,
      minStripeCalls: v.ALERT_MIN_STRIPE_CALLS,
    },
    fraudRulesFile: path.resolve(v.FRAUD_RULES_FILE as string),
    fraudIpDenyListFile: v.FRAUD_IP_DENYLIST_FILE
      ? path.resolve(v.FRAUD_IP_DENYLIST_FILE as string)
      : undefined,
  };
}
