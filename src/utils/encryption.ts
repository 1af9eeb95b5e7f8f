import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Encryption at rest of personal fields (AES-256-GCM). Every ciphertext names the key that
 * made it, so keys rotate without rewriting old rows: new writes use the active (first) key,
 * reads use whichever key the value names.
 *
 * Format: `v1:<key id>:<iv base64url>:<tag base64url>:<ciphertext base64url>`.
 */
export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export class Keyring {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('The keyring needs at least one key');
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw new Error('An encryption key id must be 1-32 of [A-Za-z0-9_-]');
      if (k.key.length !== 32) throw new Error(`Encryption key ${k.id} must be 32 bytes`);
    }
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get activeKeyId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plaintext: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`${VERSION}:${id}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, id, iv, tag, body]
      .map((part) => (Buffer.isBuffer(part) ? part.toString('base64url') : part))
      .join(':');
  }

  decrypt(value: string): string {
    const [version, id, iv, tag, body] = value.split(':');
    if (version !== VERSION || !id || iv === undefined || !tag || body === undefined) {
      throw new Error('Not an encrypted value of a known format');
    }
    const key = this.byId.get(id);
    if (!key) throw new Error(`Unknown encryption key id ${id}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${VERSION}:${id}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const out = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return out.toString('utf8');
  }

  encryptOptional(value: string | null | undefined): string | null {
    return value === null || value === undefined ? null : this.encrypt(value);
  }

  decryptOptional(value: string | null | undefined): string | null {
    return value === null || value === undefined ? null : this.decrypt(value);
  }
}

/** Parses `id:base64key,id2:base64key2` (first is active); throws naming what is wrong. */
export function parseKeyring(text: string): EncryptionKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      if (at <= 0) throw new Error('Each key must be written as <id>:<base64 of 32 bytes>');
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      return { id: entry.slice(0, at), key };
    });
}

export function generateEncryptionKey(id = `k${Date.now().toString(36)}`): EncryptionKey {
  return { id, key: randomBytes(32) };
}

export function formatKeyring(keys: EncryptionKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

const KEY_FILE = 'pii-encryption-keys';
let ephemeral: Keyring | undefined;

/**
 * The keyring of the process: PII_ENCRYPTION_KEYS when set. Otherwise (never in production,
 * which configuration refuses) a key generated on first start and kept in `<dataDir>/`
 * (mode 0600), so the embedded default can read its own data after a restart; with
 * `persist: false` (tests) a key that lives as long as the process.
 */
export function resolveKeyring(
  config: { piiEncryptionKeys?: string; dataDir: string },
  options: { persist: boolean },
): Keyring {
  if (config.piiEncryptionKeys) return new Keyring(parseKeyring(config.piiEncryptionKeys));
  if (!options.persist) {
    ephemeral ??= new Keyring([generateEncryptionKey('ephemeral')]);
    return ephemeral;
  }
  const file = path.join(config.dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, `${formatKeyring([generateEncryptionKey('local1')])}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  }
  return new Keyring(parseKeyring(fs.readFileSync(file, 'utf8').trim()));
}
