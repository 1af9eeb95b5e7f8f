import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Sequelize, Transaction } from 'sequelize';
import { ApiKey } from '../models';
import { appendAudit } from './audit-service';

/** Scopes a key may carry; routes name the one they need. */
export const SCOPES = [
  'payments:read',
  'payments:write',
  'customers:read',
  'customers:write',
  'subscriptions:write',
  'reports:read',
  'reviews:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export const STOREFRONT_SCOPES: Scope[] = [
  'payments:read',
  'payments:write',
  'customers:read',
  'customers:write',
  'subscriptions:write',
];
export const OPS_SCOPES: Scope[] = ['reports:read', 'reviews:write', 'payments:read', 'admin'];

/** What a request authenticated as. `ownerId` is the storefront that owns its objects. */
export interface Principal {
  keyId: string;
  ownerId: string;
  scopes: string[];
}

export interface ApiKeySummary {
  id: string;
  ownerId: string;
  name: string;
  prefix: string;
  scopes: string[];
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/**
 * Key layout: `psk_` + 12 characters of public lookup prefix + 32 characters of secret, all
 * base62-ish (base64url without - and _). Only the prefix and a SHA-256 of the whole key are
 * stored; a key is high-entropy random, so a fast hash is enough (no password stretching).
 */
const KEY_PREFIX = 'psk_';
const PREFIX_LENGTH = KEY_PREFIX.length + 12;
const KEY_PATTERN = /^psk_[A-Za-z0-9]{44}$/;

function randomChars(count: number): string {
  let out = '';
  while (out.length < count) {
    out += randomBytes(count).toString('base64url').replace(/[-_]/g, '');
  }
  return out.slice(0, count);
}

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** Marks a key used at most once a minute, so authentication is a read, not a write. */
const USE_MARK_INTERVAL_MS = 60_000;
const lastMarked = new Map<string, number>();

export function summarize(key: ApiKey): ApiKeySummary {
  return {
    id: key.id,
    ownerId: key.ownerId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    revokedAt: key.revokedAt,
    lastUsedAt: key.lastUsedAt,
    createdAt: key.createdAt,
  };
}

export interface CreateKeyInput {
  name: string;
  scopes: string[];
  /** The storefront owning what the key creates; a new owner when unset. */
  ownerId?: string;
  /** Who asked (another key's id, or `cli`), for the audit trail. */
  actor?: string;
}

export class ApiKeyService {
  constructor(private readonly sequelize: Sequelize) {}

  /** Creates a key and returns it with its secret, which is never available again. */
  async create(input: CreateKeyInput): Promise<{ key: string; summary: ApiKeySummary }> {
    const unknown = input.scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new Error(`Unknown scope(s): ${unknown.join(', ')}`);
    if (input.scopes.length === 0) throw new Error('A key needs at least one scope');
    const secret = `${KEY_PREFIX}${randomChars(44)}`;
    const row = await this.sequelize.transaction(async (transaction) => {
      const created = await ApiKey.create(
        {
          id: `key_${randomChars(20)}`,
          ownerId: input.ownerId ?? `own_${randomUUID().replace(/-/g, '')}`,
          name: input.name,
          prefix: secret.slice(0, PREFIX_LENGTH),
          keyHash: hashKey(secret).toString('hex'),
          scopes: [...new Set(input.scopes)],
        },
        { transaction },
      );
      await this.audit('api_key.create', created, input.actor, transaction);
      return created;
    });
    return { key: secret, summary: summarize(row) };
  }

  async list(): Promise<ApiKeySummary[]> {
    const rows = await ApiKey.findAll({ order: [['createdAt', 'ASC']] });
    return rows.map(summarize);
  }

  async count(): Promise<number> {
    return ApiKey.count();
  }

  /** Revokes a key at once; answers false when there is no such active key. */
  async revoke(id: string, actor = 'cli'): Promise<boolean> {
    return this.sequelize.transaction(async (transaction) => {
      const key = await ApiKey.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!key || key.revokedAt) return false;
      key.revokedAt = new Date();
      await key.save({ transaction });
      await this.audit('api_key.revoke', key, actor, transaction);
      return true;
    });
  }

  /** A new key with the same name, owner and scopes; the old one is revoked. */
  async rotate(id: string, actor = 'cli'): Promise<{ key: string; summary: ApiKeySummary }> {
    const old = await ApiKey.findByPk(id);
    if (!old || old.revokedAt) throw new Error(`No active key ${id}`);
    const created = await this.create({
      name: old.name,
      scopes: old.scopes,
      ownerId: old.ownerId,
      actor,
    });
    await this.revoke(id, actor);
    return created;
  }

  /**
   * The principal of a presented key, or undefined when the key is unknown, malformed or
   * revoked. The lookup is by public prefix; the secret part is compared in constant time.
   */
  async authenticate(presented: string): Promise<Principal | undefined> {
    if (!KEY_PATTERN.test(presented)) return undefined;
    const candidates = await ApiKey.findAll({
      where: { prefix: presented.slice(0, PREFIX_LENGTH) },
    });
    const digest = hashKey(presented);
    const match = candidates.find((c) => {
      const stored = Buffer.from(c.keyHash, 'hex');
      return stored.length === digest.length && timingSafeEqual(stored, digest);
    });
    if (!match || match.revokedAt) return undefined;
    this.markUsed(match.id);
    return { keyId: match.id, ownerId: match.ownerId, scopes: match.scopes };
  }

  private markUsed(id: string): void {
    const now = Date.now();
    if ((lastMarked.get(id) ?? 0) > now - USE_MARK_INTERVAL_MS) return;
    lastMarked.set(id, now);
    void ApiKey.update({ lastUsedAt: new Date(now) }, { where: { id } }).catch(() => undefined);
  }

  private async audit(
    action: string,
    key: ApiKey,
    actor: string | undefined,
    transaction: Transaction,
  ): Promise<void> {
    await appendAudit(
      {
        actor: actor ?? 'cli',
        ownerId: key.ownerId,
        action,
        targetType: 'api_key',
        targetId: key.id,
        outcome: 'succeeded',
        after: { name: key.name, scopes: key.scopes, revoked: Boolean(key.revokedAt) },
      },
      transaction,
    );
  }
}
