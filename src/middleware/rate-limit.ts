import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import { AppError } from '../errors/app-error';
import { PostgresRateLimitStore } from './postgres-rate-limit-store';

export interface RateLimitOptions {
  windowMs: number;
  limit: number;
  sequelize: Sequelize;
  redisUrl?: string;
  /** Distinguishes counters of separate apps on one database (tests). */
  prefix?: string;
}

export interface RateLimiter {
  middleware: RequestHandler;
  close(): Promise<void>;
}

/** Counts per API key when one is presented (hashed, never stored raw), else per client IP. */
function clientKey(req: Request): string {
  const auth = req.get('authorization');
  if (auth) return `key:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  let store: Store;
  let redis: Redis | undefined;
  if (options.redisUrl) {
    const client = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
    redis = client;
    store = new RedisStore({
      prefix: options.prefix ?? 'rl:',
      sendCommand: (command: string, ...args: string[]) =>
        client.call(command, ...args) as Promise<RedisReply>,
    });
  } else {
    store = new PostgresRateLimitStore(options.sequelize, options.prefix);
  }
  const middleware = rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store,
    keyGenerator: clientKey,
    handler: (_req, res, next) => {
      const retryAfter = Number(res.getHeader('Retry-After')) || Math.ceil(options.windowMs / 1000);
      next(
        new AppError(429, 'rate_limit_error', 'rate_limited', 'Too many requests; retry later.', {
          retryAfter,
        }),
      );
    },
  });
  return {
    middleware,
    async close() {
      await store.shutdown?.();
      if (redis) await redis.quit();
    },
  };
}
