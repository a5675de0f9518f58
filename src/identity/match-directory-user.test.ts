import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memoryDirectory } from '../org/memory-directory.test-support.ts';
import { ParapetError, type ErrorCode } from '../policy/parapet-error.ts';
import { matchDirectoryUser, type MatchSettings } from './match-directory-user.ts';
import type { SignedInUser } from './signed-in-user.ts';

const directory = memoryDirectory({
  groups: { admins: ['Carol@Acme.example'], developers: ['alice@acme.example', 'Carol@Acme.example'], payments: ['alice@acme.example'] },
  users: { 'dave@acme.example': { active: false }, 'erin@acme.example': {} },
});
const EMAIL: MatchSettings = { userClaim: 'email', trustIdpGroups: false };

function signedIn(fields: Partial<SignedInUser>): SignedInUser {
  return { issuer: 'https://login.acme.example', subject: 'id-1', groups: [], mfa: { present: false }, ...fields };
}

function throwsWith(run: () => unknown, code: ErrorCode, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ParapetError);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('matchDirectoryUser', () => {
  test('the e-mail claim names the user without case; the directory gives the groups, in its order', () => {
    const matched = matchDirectoryUser(signedIn({ email: 'CAROL@acme.EXAMPLE', groups: ['payments', 'everyone'] }), directory, EMAIL);
    assert.equal(matched.userName, 'Carol@Acme.example');
    assert.deepEqual(matched.groups, ['admins', 'developers']);
    assert.deepEqual(matched.directoryGroups, ['admins', 'developers']);
    assert.deepEqual(matched.idpGroups, ['payments', 'everyone'], 'the provider\'s groups are recorded');
    assert.deepEqual(matched.honouredIdpGroups, [], 'but do not count unless trusted');
  });

  test('with trustIdpGroups, provider groups that name configuration groups count too, and no others', () => {
    const matched = matchDirectoryUser(signedIn({ email: 'carol@acme.example', groups: ['payments', 'everyone', 'admins'] }), directory, { ...EMAIL, trustIdpGroups: true });
    assert.deepEqual(matched.groups, ['admins', 'developers', 'payments']);
    assert.deepEqual(matched.honouredIdpGroups, ['payments']);
  });

  test('a user the directory does not know is refused, unless trusted provider groups make them a member', () => {
    const stranger = signedIn({ email: 'mallory@acme.example', groups: ['developers'] });
    throwsWith(() => matchDirectoryUser(stranger, directory, EMAIL), 'forbidden', /`mallory@acme.example` is not a user of the configuration/);
    const trusted = matchDirectoryUser(stranger, directory, { ...EMAIL, trustIdpGroups: true });
    assert.equal(trusted.userName, 'mallory@acme.example');
    assert.deepEqual(trusted.groups, ['developers']);
    throwsWith(() => matchDirectoryUser(signedIn({ email: 'mallory@acme.example', groups: ['unknown'] }), directory, { ...EMAIL, trustIdpGroups: true }), 'forbidden', /not a user/);
  });

  test('a user in the directory but in no group is matched, with no groups', () => {
    const matched = matchDirectoryUser(signedIn({ email: 'erin@acme.example' }), directory, EMAIL);
    assert.equal(matched.userName, 'erin@acme.example');
    assert.deepEqual(matched.groups, []);
  });

  test('a deactivated user is refused', () => {
    throwsWith(() => matchDirectoryUser(signedIn({ email: 'dave@acme.example' }), directory, EMAIL), 'forbidden', /`dave@acme.example` is deactivated/);
  });

  test('an e-mail address the provider has not verified never names a user', () => {
    throwsWith(() => matchDirectoryUser(signedIn({ email: 'alice@acme.example', emailVerified: false }), directory, EMAIL), 'unauthenticated', /not verified/);
  });

  test('the user claim is configurable: preferred_username or sub', () => {
    const user = signedIn({ subject: 'Alice@acme.example', preferredUsername: 'carol@acme.example', email: 'nobody@acme.example' });
    assert.equal(matchDirectoryUser(user, directory, { userClaim: 'preferred_username', trustIdpGroups: false }).userName, 'Carol@Acme.example');
    assert.equal(matchDirectoryUser(user, directory, { userClaim: 'sub', trustIdpGroups: false }).userName, 'alice@acme.example');
    throwsWith(() => matchDirectoryUser(user, directory, EMAIL), 'forbidden', /`nobody@acme.example` is not a user/);
  });

  test('a missing user claim is a clear error naming the claim', () => {
    throwsWith(() => matchDirectoryUser(signedIn({}), directory, EMAIL), 'unauthenticated', /no `email` claim/);
    throwsWith(() => matchDirectoryUser(signedIn({ email: 'a@b.c' }), directory, { userClaim: 'preferred_username', trustIdpGroups: false }), 'unauthenticated', /no `preferred_username` claim/);
  });
});
