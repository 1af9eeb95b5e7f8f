import fs from 'node:fs';
import { BlockList, isIP } from 'node:net';
import Joi from 'joi';

export type RuleAction = 'review' | 'block';

/** A count or rate at which a rule asks for a review, a block, or both (block wins). */
export interface Levels {
  review?: number;
  block?: number;
}

export interface FraudRules {
  /** Per lower-case currency, in minor units: an amount at or above a level triggers it. */
  amountThresholds: Record<string, Levels>;
  velocity: {
    windowSeconds: number;
    /** Attempts (this one included) per key in the window. */
    attempts: Partial<Record<VelocityKey, Levels>>;
    /** Earlier declined attempts per key in the window. */
    declines: Partial<Record<VelocityKey, Levels>>;
  };
  ipDenyList: { action: RuleAction };
  /** Share of an IP's earlier attempts that were declined, once it made minAttempts. */
  ipDeclineRate: { windowSeconds: number; minAttempts: number } & Levels;
  /** Declined attempts at or under a small amount from one IP or customer in the window. */
  cardTesting: { windowSeconds: number; smallAmounts: Record<string, number>; declines: Levels };
  /** What a charge's Radar risk_level opens: a review, or nothing. */
  radar: Partial<Record<'normal' | 'elevated' | 'highest', 'allow' | 'review'>>;
  earlyFraudWarning: { autoRefund: boolean };
  review: { captureWindowHours: number; warnBeforeHours: number };
}

export type VelocityKey = 'customer' | 'ip' | 'email';

const levels = Joi.object({
  review: Joi.number().min(0),
  block: Joi.number().min(0),
}).or('review', 'block');

const keyed = Joi.object({ customer: levels, ip: levels, email: levels });
const positive = Joi.number().integer().min(1);

const schema = Joi.object({
  amountThresholds: Joi.object()
    .pattern(/^[a-z]{3}$/, levels)
    .required(),
  velocity: Joi.object({
    windowSeconds: positive.required(),
    attempts: keyed,
    declines: keyed,
  }).required(),
  ipDenyList: Joi.object({ action: Joi.string().valid('review', 'block').required() }).required(),
  ipDeclineRate: Joi.object({
    windowSeconds: positive.required(),
    minAttempts: positive.required(),
    review: Joi.number().min(0).max(1),
    block: Joi.number().min(0).max(1),
  }).required(),
  cardTesting: Joi.object({
    windowSeconds: positive.required(),
    smallAmounts: Joi.object()
      .pattern(/^[a-z]{3}$/, Joi.number().integer().min(1))
      .required(),
    declines: levels.required(),
  }).required(),
  radar: Joi.object({
    normal: Joi.string().valid('allow', 'review'),
    elevated: Joi.string().valid('allow', 'review'),
    highest: Joi.string().valid('allow', 'review'),
  }).required(),
  earlyFraudWarning: Joi.object({ autoRefund: Joi.boolean().required() }).required(),
  review: Joi.object({
    captureWindowHours: positive.max(24 * 31).required(),
    warnBeforeHours: positive.required(),
  }).required(),
});

/** Validates rules (from the JSON file or a test); throws naming the first bad field. */
export function parseFraudRules(raw: unknown): FraudRules {
  const { error, value } = schema.validate(raw, { abortEarly: true, convert: false });
  if (error) throw new Error(`Invalid fraud rules: ${error.message}`);
  return value as FraudRules;
}

export function loadFraudRules(file: string): FraudRules {
  return parseFraudRules(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * Reads a deny list: one IPv4/IPv6 address or CIDR range per line; `#` starts a comment.
 * A malformed line is an error naming its line number, so a typo cannot silently allow.
 */
export function parseIpDenyList(text: string): BlockList {
  const list = new BlockList();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [address, prefix, extra] = line.split('/');
    const family = isIP(address ?? '');
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    const badPrefix =
      bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits);
    if (
      !family ||
      extra !== undefined ||
      badPrefix ||
      (prefix !== undefined && !/^\d+$/.test(prefix))
    ) {
      throw new Error(`Invalid IP deny list entry on line ${index + 1}`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, bits, type);
  });
  return list;
}

export function loadIpDenyList(file: string | undefined): BlockList {
  return file ? parseIpDenyList(fs.readFileSync(file, 'utf8')) : new BlockList();
}

/** True when the address (IPv4, IPv6 or IPv4-mapped IPv6) is on the list. */
export function isDenied(list: BlockList, ip: string | undefined): boolean {
  if (!ip) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return list.check(mapped[1]!, 'ipv4');
  const family = isIP(ip);
  return family ? list.check(ip, family === 6 ? 'ipv6' : 'ipv4') : false;
}

/** The action a measured value asks for under the levels (block wins over review). */
export function actionFor(value: number, level: Levels | undefined): RuleAction | undefined {
  if (!level) return undefined;
  if (level.block !== undefined && value >= level.block) return 'block';
  if (level.review !== undefined && value >= level.review) return 'review';
  return undefined;
}
