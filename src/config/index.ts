import fs from 'node:fs';
import path from 'node:path';
import Joi from 'joi';
import { loadOpsConfig, type OpsConfig } from './ops-config';

/** Per-environment Stripe client settings, read from config/stripe.json. */
export interface StripeSettings {
  apiVersion: string;
  timeoutMs: number;
  maxNetworkRetries: number;
  webhookToleranceSeconds: number;
}

export type NodeEnv = 'development' | 'test' | 'production';
/** What a process runs: the HTTP API, the background worker, or both (the default). */
export type ServiceRole = 'api' | 'worker' | 'both';

/** The background worker: webhook processing, notification delivery, reconciliation. */
export interface WorkerSettings {
  /** Milliseconds between polls when the inbox is empty. Default 500. */
  pollIntervalMs: number;
  /** Milliseconds a claimed event stays leased to its worker. Default 60000. */
  leaseMs: number;
  /** Events claimed per poll. Default 10. */
  batchSize: number;
  /** Attempts before an event or notification is parked as failed. Default 8. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt with jitter. Default 2000. */
  retryBaseMs: number;
  /** Longest retry delay. Default 3600000 (one hour). */
  retryMaxMs: number;
  /** Milliseconds between reconciliation runs; 0 turns the schedule off. Default 600000. */
  reconcileIntervalMs: number;
  /** A payment in processing or requires_action longer than this is refetched. Default 3600000. */
  stuckPaymentAfterMs: number;
}

/** Where storefront notifications go; unset URL keeps them in the outbox undelivered. */
export interface NotificationSettings {
  url: string | undefined;
  /** HMAC-SHA256 key the storefront verifies `Payments-Signature` with. */
  secret: string | undefined;
  timeoutMs: number;
}
export type StripeMode = 'sandbox' | 'test' | 'live';

/** The whole service configuration, typed and validated once at start-up. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  /** Port the API listens on; 0 picks a free one. Default 3000. */
  port: number;
  /** Address the API binds to. Default 127.0.0.1 in the embedded mode, 0.0.0.0 otherwise. */
  host: string;
  /** PostgreSQL URL; unset means the embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database files. Default ./data. */
  dataDir: string;
  /** Connections in the Sequelize pool. Default 5. */
  dbPoolMax: number;
  logLevel: string;
  /** Express trust-proxy setting: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string;
  /** Largest JSON body accepted. Default 100kb. */
  bodyLimit: string;
  rateLimit: { windowMs: number; limit: number };
  /** Redis URL for shared rate-limit counters; unset keeps them in PostgreSQL. */
  redisUrl: string | undefined;
  /** Stripe secret key; unset starts the built-in Stripe sandbox. */
  stripeSecretKey: string | undefined;
  stripeMode: StripeMode;
  /** Extra webhook signing secrets (rotation), accepted beside the sandbox's own. */
  stripeWebhookSecrets: string[];
  /** Signing secrets of the Connect webhook endpoint (`/webhooks/stripe/connect`). */
  stripeConnectWebhookSecrets: string[];
  /** `SERVICE_ROLE`: api, worker or both. Default both. */
  serviceRole: ServiceRole;
  worker: WorkerSettings;
  notifications: NotificationSettings;
  /** Port of the built-in sandbox; 0 picks a free one. */
  sandboxPort: number;
  stripe: StripeSettings;
  /**
   * Keys encrypting personal fields at rest, `id:base64(32 bytes)` comma-separated, the first
   * active. Unset: generated once and kept under dataDir (refused in production).
   */
  piiEncryptionKeys: string | undefined;
  /** Seconds the process may take to stop after SIGTERM before it exits anyway. */
  shutdownTimeoutMs: number;
  subscriptions: SubscriptionSettings;
  /** Metrics, daily reports, alerts and fraud screening (see ops-config.ts). */
  ops: OpsConfig;
}

/** How subscriptions grant access and where their catalogue comes from. */
export interface SubscriptionSettings {
  /** Days a past_due subscription keeps access while Stripe retries. Default 7. */
  gracePeriodDays: number;
  /** The products and prices created in Stripe. Default config/catalog.json. */
  catalogFile: string;
  /** Create the catalogue in Stripe at start-up. Default true. */
  syncCatalogOnStart: boolean;
}

/** Thrown when the environment is missing or malformed; its message names the variable. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const trustProxySchema = Joi.alternatives().try(
  Joi.boolean(),
  Joi.number().integer().min(0),
  Joi.string().pattern(/^[\w.:/, -]+$/),
);

const envSchema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  HOST: Joi.string().hostname(),
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  DATA_DIR: Joi.string().default('./data'),
  DB_POOL_MAX: Joi.number().integer().min(1).max(100).default(5),
  LOG_LEVEL: Joi.string()
    .valid('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly', 'silent')
    .default('info'),
  TRUST_PROXY: trustProxySchema.default(false),
  BODY_LIMIT: Joi.string()
    .pattern(/^\d+(b|kb|mb)$/i)
    .default('100kb'),
  RATE_LIMIT_WINDOW_MS: Joi.number().integer().min(1000).default(60000),
  RATE_LIMIT_MAX: Joi.number().integer().min(1).default(600),
  REDIS_URL: Joi.string().uri({ scheme: ['redis', 'rediss'] }),
  STRIPE_SECRET_KEY: Joi.string().pattern(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/),
  STRIPE_WEBHOOK_SECRET: Joi.string().pattern(/^whsec_[A-Za-z0-9]+(,\s*whsec_[A-Za-z0-9]+)*$/),
  STRIPE_CONNECT_WEBHOOK_SECRET: Joi.string().pattern(
    /^whsec_[A-Za-z0-9]+(,\s*whsec_[A-Za-z0-9]+)*$/,
  ),
  SERVICE_ROLE: Joi.string().valid('api', 'worker', 'both').default('both'),
  WORKER_POLL_INTERVAL_MS: Joi.number().integer().min(10).max(60000).default(500),
  WORKER_LEASE_MS: Joi.number().integer().min(1000).max(3600000).default(60000),
  WORKER_BATCH_SIZE: Joi.number().integer().min(1).max(500).default(10),
  WEBHOOK_MAX_ATTEMPTS: Joi.number().integer().min(1).max(100).default(8),
  WEBHOOK_RETRY_BASE_MS: Joi.number().integer().min(1).max(3600000).default(2000),
  WEBHOOK_RETRY_MAX_MS: Joi.number().integer().min(1).max(86400000).default(3600000),
  RECONCILE_INTERVAL_MS: Joi.number().integer().min(0).default(600000),
  STUCK_PAYMENT_AFTER_MS: Joi.number().integer().min(0).default(3600000),
  STOREFRONT_WEBHOOK_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  STOREFRONT_WEBHOOK_SECRET: Joi.string().min(16),
  STOREFRONT_WEBHOOK_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(5000),
  SANDBOX_PORT: Joi.number().integer().min(0).max(65535).default(0),
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(10000),
  SUBSCRIPTION_GRACE_PERIOD_DAYS: Joi.number().integer().min(0).max(60).default(7),
  CATALOG_FILE: Joi.string().default(path.resolve(__dirname, '../../config/catalog.json')),
  CATALOG_SYNC_ON_START: Joi.boolean().default(true),
  PII_ENCRYPTION_KEYS: Joi.string().pattern(
    /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=(,\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=)*$/,
  ),
}).unknown(true);

function loadStripeSettings(nodeEnv: NodeEnv): StripeSettings {
  const file = path.resolve(__dirname, '../../config/stripe.json');
  const all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, StripeSettings>;
  const settings = all[nodeEnv];
  if (!settings)
    throw new ConfigError(`config/stripe.json has no "${nodeEnv}" section`, 'NODE_ENV');
  return settings;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function workerSettings(v: Record<string, never>): WorkerSettings {
  return {
    pollIntervalMs: v.WORKER_POLL_INTERVAL_MS,
    leaseMs: v.WORKER_LEASE_MS,
    batchSize: v.WORKER_BATCH_SIZE,
    maxAttempts: v.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: v.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: v.WEBHOOK_RETRY_MAX_MS,
    reconcileIntervalMs: v.RECONCILE_INTERVAL_MS,
    stuckPaymentAfterMs: v.STUCK_PAYMENT_AFTER_MS,
  };
}

function stripeModeOf(key: string | undefined): StripeMode {
  if (!key) return 'sandbox';
  return key.includes('_live_') ? 'live' : 'test';
}

/**
 * Reads and validates the environment. Throws a ConfigError naming the first bad variable,
 * so start-up can stop with one clear line.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const { error, value } = envSchema.validate(env, { abortEarly: true, convert: true });
  if (error) {
    const variable = String(error.details[0]?.path[0] ?? 'environment');
    throw new ConfigError(`Invalid environment variable ${variable}: ${error.message}`, variable);
  }
  const v = value as Record<string, never>;
  const nodeEnv = v.NODE_ENV as NodeEnv;
  const stripeSecretKey = v.STRIPE_SECRET_KEY as string | undefined;
  const stripeMode = stripeModeOf(stripeSecretKey);
  const stripeWebhookSecrets = splitList(v.STRIPE_WEBHOOK_SECRET);

  if (stripeMode === 'live' && stripeWebhookSecrets.length === 0) {
    throw new ConfigError(
      'Invalid environment variable STRIPE_WEBHOOK_SECRET: required with a live Stripe key',
      'STRIPE_WEBHOOK_SECRET',
    );
  }
  if (v.STOREFRONT_WEBHOOK_URL && !v.STOREFRONT_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid environment variable STOREFRONT_WEBHOOK_SECRET: required with STOREFRONT_WEBHOOK_URL',
      'STOREFRONT_WEBHOOK_SECRET',
    );
  }
  if (nodeEnv === 'production' && !v.PII_ENCRYPTION_KEYS) {
    throw new ConfigError(
      'Invalid environment variable PII_ENCRYPTION_KEYS: required in production',
      'PII_ENCRYPTION_KEYS',
    );
  }
  const databaseUrl = v.DATABASE_URL as string | undefined;
  let ops: OpsConfig;
  try {
    ops = loadOpsConfig(env);
  } catch (err) {
    const variable = (err as { variable?: string }).variable ?? 'environment';
    throw new ConfigError((err as Error).message, variable);
  }
  return {
    nodeEnv,
    port: v.PORT,
    host: (v.HOST as string | undefined) ?? (databaseUrl ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl,
    dataDir: path.resolve(v.DATA_DIR as string),
    dbPoolMax: v.DB_POOL_MAX,
    logLevel: v.LOG_LEVEL,
    trustProxy: v.TRUST_PROXY,
    bodyLimit: v.BODY_LIMIT,
    rateLimit: { windowMs: v.RATE_LIMIT_WINDOW_MS, limit: v.RATE_LIMIT_MAX },
    redisUrl: v.REDIS_URL,
    stripeSecretKey,
    stripeMode,
    stripeWebhookSecrets,
    stripeConnectWebhookSecrets: splitList(v.STRIPE_CONNECT_WEBHOOK_SECRET),
    serviceRole: v.SERVICE_ROLE as ServiceRole,
    worker: workerSettings(v),
    notifications: {
      url: v.STOREFRONT_WEBHOOK_URL,
      secret: v.STOREFRONT_WEBHOOK_SECRET,
      timeoutMs: v.STOREFRONT_WEBHOOK_TIMEOUT_MS,
    },
    sandboxPort: v.SANDBOX_PORT,
    stripe: loadStripeSettings(nodeEnv),
    piiEncryptionKeys: v.PII_ENCRYPTION_KEYS,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    subscriptions: {
      gracePeriodDays: v.SUBSCRIPTION_GRACE_PERIOD_DAYS,
      catalogFile: path.resolve(v.CATALOG_FILE as string),
      syncCatalogOnStart: v.CATALOG_SYNC_ON_START,
    },
    ops,
  };
}

/** Loads `.env` from the working directory when there is one; real env vars win. */
export function loadDotEnv(file = path.resolve('.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
