import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  formatKeyring,
  generateEncryptionKey,
  Keyring,
  parseKeyring,
  resolveKeyring,
} from '../../src/utils/encryption';

describe('Keyring (AES-256-GCM with key ids)', () => {
  test('When a value is encrypted, then it names its key and decrypts back', () => {
    const ring = new Keyring([generateEncryptionKey('k1')]);
    const sealed = ring.encrypt('ada@example.com');
    expect(sealed).toMatch(/^v1:k1:/);
    expect(sealed).not.toContain('ada');
    expect(ring.decrypt(sealed)).toBe('ada@example.com');
    expect(ring.encrypt('same')).not.toBe(ring.encrypt('same'));
  });

  test('When keys rotate, then old values still decrypt and new ones use the new key', () => {
    const old = generateEncryptionKey('old');
    const sealedOld = new Keyring([old]).encrypt('Zoë ✓');
    const rotated = new Keyring([generateEncryptionKey('new'), old]);
    expect(rotated.decrypt(sealedOld)).toBe('Zoë ✓');
    expect(rotated.encrypt('x')).toMatch(/^v1:new:/);
  });

  test('When a ciphertext is tampered with or its key is unknown, then decrypting throws', () => {
    const ring = new Keyring([generateEncryptionKey('k1')]);
    const sealed = ring.encrypt('secret');
    const parts = sealed.split(':');
    parts[4] = Buffer.from('other!').toString('base64url');
    expect(() => ring.decrypt(parts.join(':'))).toThrow();
    expect(() => ring.decrypt(sealed.replace('v1:k1:', 'v1:k2:'))).toThrow(/Unknown/);
    expect(() => new Keyring([{ id: 'short', key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
  });

  test('When the keyring text is parsed and formatted, then it round-trips', () => {
    const keys = [generateEncryptionKey('a'), generateEncryptionKey('b')];
    const parsed = parseKeyring(formatKeyring(keys));
    expect(parsed.map((k) => k.id)).toEqual(['a', 'b']);
    expect(parsed[0]!.key.equals(keys[0]!.key)).toBe(true);
  });

  test('When no key is configured in the embedded mode, then one is made once and kept', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-keys-'));
    try {
      const first = resolveKeyring({ dataDir }, { persist: true });
      const sealed = first.encrypt('kept');
      const second = resolveKeyring({ dataDir }, { persist: true });
      expect(second.decrypt(sealed)).toBe('kept');
      const file = path.join(dataDir, 'pii-encryption-keys');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
