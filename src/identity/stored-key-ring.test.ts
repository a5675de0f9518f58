/**
 * The stored key ring on a real SQLite file and a real PostgreSQL: private keys encrypted at rest,
 * one set of keys shared by every ring on a database, rotation with an injected clock (publish
 * first, sign later, retire once every credential the old key signed has expired), and a clear
 * failure for a wrong key encryption key.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { Store } from '../store/index.ts';
import { startTestDatabases, withStores } from '../store/test-databases.test-support.ts';
import { ParapetError } from '../policy/index.ts';
import { CLOCK_TOLERANCE_SECONDS, issueCredential, MAX_CREDENTIAL_LIFETIME_SECONDS, verifyCredential } from './credential.ts';
import { open } from './key-encryption-key.ts';
import { createStoredKeyRing, KEY_ACTIVATION_DELAY_SECONDS, type StoredKeyRing } from './stored-key-ring.ts';

const databases = await startTestDatabases();
after(async () => {
  for (const database of databases) await database.stop();
});

const ISSUER = 'https://parapet.example';
const ROTATION_SECONDS = 7 * 24 * 3600;
const kek = randomBytes(32);

function ring(store: Store, clock: () => Date, keyEncryptionKey: Buffer = kek): Promise<StoredKeyRing> {
  return createStoredKeyRing({ store, keyEncryptionKey, clock, rotationSeconds: ROTATION_SECONDS });
}

async function kids(keys: StoredKeyRing): Promise<string[]> {
  return (await keys.publicKeys()).keys.map((key) => key.kid ?? '');
}

function sign(keys: StoredKeyRing, now: Date, lifetimeSeconds = 3600) {
  return issueCredential(keys, { jti: randomBytes(8).toString('hex'), sub: 'alice@acme.example', use: 'sign-in', authTime: Math.floor(now.getTime() / 1000) }, { issuer: ISSUER, now, lifetimeSeconds });
}

for (const database of databases) {
  describe(`stored key ring on ${database.name}`, () => {
    test('the private key is not in the database in clear: the row holds AES-GCM ciphertext that only the key encryption key opens', async () => {
      await withStores(await database.fresh(), 1, async ([store]) => {
        const keys = await ring(store!, () => new Date('2026-12-06T12:00:00Z'));
        const rows = await store!.db.selectFrom('signing_keys').selectAll().execute();
        assert.equal(rows.length, 1);
        const row = rows[0]!;
        assert.equal(row.kid, (await keys.signingKey()).kid);
        const privateJwk = JSON.parse(open(kek, { ciphertext: row.private_jwk_encrypted, nonce: row.nonce }, row.kid) ?? 'null') as { d?: string; kty?: string };
        assert.equal(privateJwk.kty, 'EC');
        assert.ok(typeof privateJwk.d === 'string' && privateJwk.d.length > 20);
        // the private scalar appears in no column, in any encoding the row uses
        const dHex = Buffer.from(privateJwk.d, 'base64url').toString('hex');
        const dBase64 = Buffer.from(privateJwk.d, 'base64url').toString('base64');
        for (const value of Object.values(row)) {
          const text = String(value);
          assert.ok(!text.includes(privateJwk.d) && !text.includes(dHex) && !text.includes(dBase64.slice(0, 40)), `a column holds the private key: ${text.slice(0, 40)}`);
        }
        assert.doesNotMatch(row.public_jwk, /"d"/);
        // the ciphertext is bound to its kid: copied to another row it does not open
        assert.equal(open(kek, { ciphertext: row.private_jwk_encrypted, nonce: row.nonce }, 'another-kid'), undefined);
      });
    });

    test('two rings on one database (two processes) sign with and publish the same key, including when they start at once', async () => {
      await withStores(await database.fresh(), 2, async ([first, second]) => {
        const now = () => new Date('2026-12-06T12:00:00Z');
        const [a, b] = await Promise.all([ring(first!, now), ring(second!, now)]);
        assert.equal((await a.signingKey()).kid, (await b.signingKey()).kid);
        assert.deepEqual(await kids(a), await kids(b));
        assert.equal((await kids(a)).length, 1);
        // a credential signed by one verifies with the other
        const { token } = await sign(a, now());
        assert.equal((await verifyCredential(b, token, { issuer: ISSUER, now: now() })).sub, 'alice@acme.example');
      });
    });

    test('rotation: the new key is published at once, signs after the activation delay, and the old key is retired once its credentials have expired', async () => {
      await withStores(await database.fresh(), 2, async ([first, second]) => {
        let now = new Date('2026-12-06T12:00:00Z');
        const clock = () => now;
        const a = await ring(first!, clock);
        const b = await ring(second!, clock);
        const oldKid = (await a.signingKey()).kid;
        const before = await sign(a, now, MAX_CREDENTIAL_LIFETIME_SECONDS);

        now = new Date(now.getTime() + (ROTATION_SECONDS + 1) * 1000);
        const old = await sign(a, now, MAX_CREDENTIAL_LIFETIME_SECONDS);
        await a.refresh();
        const published = await kids(a);
        assert.equal(published.length, 2);
        assert.equal(published[0], oldKid);
        const newKid = published[1]!;
        // published, not used yet: a verifier that has not fetched it yet meets no credential signed with it
        assert.equal((await a.signingKey()).kid, oldKid);
        await b.refresh();
        assert.deepEqual(await kids(b), published);

        // both processes refreshing again do not rotate again
        await Promise.all([a.refresh(), b.refresh()]);
        assert.equal((await first!.db.selectFrom('signing_keys').select('kid').execute()).length, 2);

        now = new Date(now.getTime() + KEY_ACTIVATION_DELAY_SECONDS * 1000);
        await Promise.all([a.refresh(), b.refresh()]);
        assert.equal((await a.signingKey()).kid, newKid);
        assert.equal((await b.signingKey()).kid, newKid);
        const fresh = await sign(b, now);
        // a credential signed before the rotation still verifies after it, on either process
        assert.equal((await verifyCredential(b, old.token, { issuer: ISSUER, now })).jti, old.claims.jti);
        assert.equal((await verifyCredential(a, fresh.token, { issuer: ISSUER, now })).jti, fresh.claims.jti);

        // until the last credential the old key could have signed has expired (and the clock tolerance)
        now = new Date(now.getTime() + (MAX_CREDENTIAL_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS - 1) * 1000);
        await a.refresh();
        assert.deepEqual(await kids(a), [oldKid, newKid]);
        now = new Date(now.getTime() + 2000);
        await Promise.all([a.refresh(), b.refresh()]);
        assert.deepEqual(await kids(a), [newKid]);
        assert.deepEqual(await kids(b), [newKid]);
        await assert.rejects(verifyCredential(a, before.token, { issuer: ISSUER, now }), (error: unknown) => error instanceof ParapetError && error.code === 'unauthenticated');
      });
    });

    test('the next rotation deletes keys past their publication, private halves included', async () => {
      await withStores(await database.fresh(), 1, async ([store]) => {
        let now = new Date('2026-12-06T12:00:00Z');
        const keys = await ring(store!, () => now);
        const first = (await keys.signingKey()).kid;
        for (let i = 0; i < 3; i += 1) {
          now = new Date(now.getTime() + (ROTATION_SECONDS + 1) * 1000);
          await keys.refresh();
        }
        const stored = (await store!.db.selectFrom('signing_keys').select('kid').execute()).map((row) => row.kid);
        assert.ok(!stored.includes(first));
        assert.ok(stored.length <= 2, `kept ${stored.length} keys`);
      });
    });

    test('a wrong key encryption key is a clear `usage` error at start, not a crash', async () => {
      await withStores(await database.fresh(), 1, async ([store]) => {
        const now = () => new Date('2026-12-06T12:00:00Z');
        await ring(store!, now);
        await assert.rejects(ring(store!, now, randomBytes(32)), (error: unknown) => {
          assert.ok(error instanceof ParapetError);
          assert.equal(error.code, 'usage');
          assert.match(error.message, /^cannot decrypt the signing key `[\w-]+` stored in the database: the key encryption key is not the one it was encrypted with/);
          return true;
        });
      });
    });
  });
}
