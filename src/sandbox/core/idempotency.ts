import { createHash } from 'node:crypto';

export interface SavedResponse {
  status: number;
  body: string;
}

interface Entry {
  fingerprint: string;
  savedAt: number;
  response?: SavedResponse;
}

/** Stripe keeps idempotency keys for at least 24 hours. */
const TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Idempotency records per API key. The first request's answer is replayed for the same key;
 * the same key with another method, path or body is refused; a request arriving while the
 * first is still running gets a 409. Bounded: the oldest keys are forgotten first.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  static fingerprint(method: string, path: string, body: string): string {
    return createHash('sha256').update(`${method} ${path}\n${body}`).digest('base64');
  }

  /** Looks up a key: a saved answer, a conflict, in-flight, or a fresh key now reserved. */
  begin(
    scope: string,
    fingerprint: string,
  ):
    | { kind: 'fresh' }
    | { kind: 'replay'; response: SavedResponse }
    | { kind: 'mismatch' }
    | {
        kind: 'in_flight';
      } {
    const now = Date.now();
    const existing = this.entries.get(scope);
    if (existing && now - existing.savedAt < TTL_MS) {
      if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (!existing.response) return { kind: 'in_flight' };
      return { kind: 'replay', response: existing.response };
    }
    this.entries.delete(scope);
    this.entries.set(scope, { fingerprint, savedAt: now });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return { kind: 'fresh' };
  }

  save(scope: string, response: SavedResponse): void {
    const entry = this.entries.get(scope);
    if (entry) entry.response = response;
  }

  /** Forgets a reserved key whose request did not execute (bad parameters, server fault). */
  release(scope: string): void {
    const entry = this.entries.get(scope);
    if (entry && !entry.response) this.entries.delete(scope);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
