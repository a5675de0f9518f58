import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ParapetError } from '../policy/parapet-error.ts';
import { resolveOidcSettings } from './oidc-settings.ts';
import { readClaim, signedInUserFromClaims } from './signed-in-user.ts';

const ISSUER = 'https://login.acme.example';
const settings = resolveOidcSettings({ issuer: ISSUER, clientId: 'parapet', clientSecret: 'secret' });

describe('signedInUserFromClaims', () => {
  test('reads the user, the groups claim, and auth_time as a date', () => {
    const user = signedInUserFromClaims({ sub: 'u1', email: 'a@acme.example', email_verified: true, name: 'A', groups: ['x', 'y', 'x'], auth_time: 1_700_000_000 }, settings, ISSUER);
    assert.deepEqual(user, {
      issuer: ISSUER,
      subject: 'u1',
      email: 'a@acme.example',
      emailVerified: true,
      name: 'A',
      groups: ['x', 'y'],
      mfa: { present: false, authTime: new Date(1_700_000_000_000) },
    });
  });

  test('amr: a second-factor method means MFA; a password or a PIN alone does not', () => {
    const mfa = (amr: unknown) => signedInUserFromClaims({ sub: 'u1', amr }, settings, ISSUER).mfa.present;
    assert.equal(mfa(['pwd']), false);
    assert.equal(mfa(['pwd', 'pin']), false);
    assert.equal(mfa(undefined), false);
    for (const second of ['mfa', 'otp', 'hwk', 'swk', 'fpt', 'sms']) assert.equal(mfa(['pwd', second]), true, second);
  });

  test('acr: only the configured values mean MFA; the amr list is configurable', () => {
    const custom = resolveOidcSettings({ issuer: ISSUER, clientId: 'c', clientSecret: 's', mfaAcrValues: ['urn:acme:mfa'], mfaAmrValues: ['hwk'] });
    assert.equal(signedInUserFromClaims({ sub: 'u', acr: 'urn:acme:mfa' }, custom, ISSUER).mfa.present, true);
    assert.equal(signedInUserFromClaims({ sub: 'u', acr: 'urn:acme:mfa' }, settings, ISSUER).mfa.present, false, 'no acr means MFA by default');
    assert.equal(signedInUserFromClaims({ sub: 'u', acr: 'urn:acme:pwd' }, custom, ISSUER).mfa.present, false);
    assert.equal(signedInUserFromClaims({ sub: 'u', amr: ['otp'] }, custom, ISSUER).mfa.present, false);
    assert.equal(signedInUserFromClaims({ sub: 'u', amr: ['hwk'] }, custom, ISSUER).mfa.present, true);
  });

  test('the groups claim may be a dotted path, or a namespaced name with dots', () => {
    const nested = resolveOidcSettings({ issuer: ISSUER, clientId: 'c', clientSecret: 's', groupsClaim: 'realm_access.roles' });
    assert.deepEqual(signedInUserFromClaims({ sub: 'u', realm_access: { roles: ['dev'] } }, nested, ISSUER).groups, ['dev']);
    assert.deepEqual(signedInUserFromClaims({ sub: 'u', realm_access: {} }, nested, ISSUER).groups, []);
    const namespaced = resolveOidcSettings({ issuer: ISSUER, clientId: 'c', clientSecret: 's', groupsClaim: 'https://acme.example/groups' });
    assert.deepEqual(signedInUserFromClaims({ sub: 'u', 'https://acme.example/groups': ['ops'] }, namespaced, ISSUER).groups, ['ops']);
    assert.equal(readClaim({ a: ['not', 'an', 'object'] }, 'a.0'), undefined);
    assert.equal(readClaim({ a: { b: null } }, 'a.b.c'), undefined);
  });

  test('a single group as a string is one group', () => {
    assert.deepEqual(signedInUserFromClaims({ sub: 'u', groups: 'dev' }, settings, ISSUER).groups, ['dev']);
  });

  test('claims of the wrong type are refused with the claim named, never read as nothing', () => {
    for (const [claims, claim] of [
      [{}, 'sub'],
      [{ sub: 1 }, 'sub'],
      [{ sub: 'u', groups: ['a', 1] }, 'groups'],
      [{ sub: 'u', groups: { a: 1 } }, 'groups'],
      [{ sub: 'u', amr: 'mfa' }, 'amr'],
      [{ sub: 'u', auth_time: '2024-01-01' }, 'auth_time'],
      [{ sub: 'u', email: ['a@b.c'] }, 'email'],
      [{ sub: 'u', email_verified: 'yes' }, 'email_verified'],
    ] as const) {
      assert.throws(
        () => signedInUserFromClaims(claims, settings, ISSUER),
        (error: unknown) => error instanceof ParapetError && error.code === 'unauthenticated' && error.message.includes(`claim \`${claim}\``),
        JSON.stringify(claims),
      );
    }
  });
});
