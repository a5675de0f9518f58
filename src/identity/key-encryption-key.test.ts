/** Where the key encryption key comes from, and what is refused */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ParapetError } from '../policy/index.ts';
import { KEY_ENCRYPTION_KEY_FILE, open, resolveKeyEncryptionKey, seal } from './key-encryption-key.ts';

const folder = mkdtempSync(join(tmpdir(), 'parapet-kek-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function isUsage(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ParapetError);
    assert.equal(error.code, 'usage');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('the key encryption key', () => {
  test('a given key is the base64 of exactly 32 bytes; anything else is refused with `usage`, without echoing it', () => {
    const key = randomBytes(32);
    assert.deepEqual(resolveKeyEncryptionKey({ given: key.toString('base64'), database: 'postgres', stateDir: folder }), key);
    for (const given of [randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), 'not base64 at all!', key.toString('hex'), key.toString('base64url')]) {
      assert.throws(() => resolveKeyEncryptionKey({ given, database: 'sqlite', stateDir: folder }), (error: unknown) => {
        isUsage(/^PARAPET_KEY_ENCRYPTION_KEY: the key encryption key must be the base64 of exactly 32 random bytes/)(error);
        assert.ok(!(error as Error).message.includes(given));
        return true;
      });
    }
  });

  test('PostgreSQL without a key: refused, saying every process needs the same PARAPET_KEY_ENCRYPTION_KEY', () => {
    assert.throws(() => resolveKeyEncryptionKey({ given: undefined, database: 'postgres', stateDir: folder }), isUsage(/every server process needs the same PARAPET_KEY_ENCRYPTION_KEY/));
  });

  test('SQLite without a key: generated once into the state folder with mode 0600, and the same key afterwards', () => {
    const stateFolder = mkdtempSync(join(folder, 'state-'));
    const first = resolveKeyEncryptionKey({ given: undefined, database: 'sqlite', stateDir: stateFolder });
    const file = join(stateFolder, KEY_ENCRYPTION_KEY_FILE);
    assert.equal(first.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').toString('hex'), first.toString('hex'));
    assert.deepEqual(resolveKeyEncryptionKey({ given: undefined, database: 'sqlite', stateDir: stateFolder }), first);
    // a key file others can read is refused rather than used
    chmodSync(file, 0o644);
    assert.throws(() => resolveKeyEncryptionKey({ given: undefined, database: 'sqlite', stateDir: stateFolder }), isUsage(/can be read by others \(mode 644\): run `chmod 600`/));
  });

  test('seal and open: AES-256-GCM, a fresh nonce each time, and nothing opens under another key, context or bytes', () => {
    const key = randomBytes(32);
    const a = seal(key, 'secret', 'kid-1');
    const b = seal(key, 'secret', 'kid-1');
    assert.notEqual(a.nonce, b.nonce);
    assert.notEqual(a.ciphertext, b.ciphertext);
    assert.equal(open(key, a, 'kid-1'), 'secret');
    assert.equal(open(randomBytes(32), a, 'kid-1'), undefined);
    assert.equal(open(key, a, 'kid-2'), undefined);
    const tampered = Buffer.from(a.ciphertext, 'base64');
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    assert.equal(open(key, { ...a, ciphertext: tampered.toString('base64') }, 'kid-1'), undefined);
  });
});
