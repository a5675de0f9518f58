import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { ParapetError } from '../policy/parapet-error.ts';
import type { PendingLogin } from './oidc-login.ts';
import { openPendingLogin, sealPendingLogin } from './pending-login-seal.ts';

const key = randomBytes(32);
const now = new Date('2026-01-01T00:00:00Z');
const pending: PendingLogin = { state: 's1', nonce: 'n1', codeVerifier: 'v'.repeat(43), redirectUri: 'https://parapet.example/v1/login/callback', createdAt: now.toISOString() };
const signIn = { pending, after: { kind: 'cli', redirect: 'http://127.0.0.1:5000/cb' } } as const;

async function refusedWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof ParapetError && error.code === 'unauthenticated' && message.test(error.message));
}

describe('the pending sign-in cookie', () => {
  test('round-trips, and its text shows neither the verifier nor the nonce', async () => {
    const sealed = await sealPendingLogin(signIn, key, { now, maxAgeSeconds: 600 });
    assert.equal(sealed.includes(pending.codeVerifier), false);
    assert.equal(Buffer.from(sealed.split('.').join(''), 'base64url').toString('latin1').includes('vvvvvvvv'), false);
    assert.deepEqual(await openPendingLogin(sealed, key, { now }), signIn);
  });

  test('is refused after its maximum age, with another key, altered, or missing', async () => {
    const sealed = await sealPendingLogin(signIn, key, { now, maxAgeSeconds: 600 });
    await refusedWith(openPendingLogin(sealed, key, { now: new Date(now.getTime() + 601_000) }), /expired/);
    await refusedWith(openPendingLogin(sealed, randomBytes(32), { now }), /not valid/);
    const parts = sealed.split('.');
    const body = parts[3] ?? '';
    parts[3] = `${body.slice(0, -2)}${body.endsWith('AA') ? 'BB' : 'AA'}`;
    await refusedWith(openPendingLogin(parts.join('.'), key, { now }), /not valid/);
    await refusedWith(openPendingLogin(undefined, key, { now }), /no sign-in in progress/);
    await refusedWith(openPendingLogin('garbage', key, { now }), /not valid/);
  });
});
