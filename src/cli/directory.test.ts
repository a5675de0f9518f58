/**
 * `parapet directory export` and `--directory FILE`: a service account exports the server's
 * directory; `parapet test` with that snapshot decides as the server does for users known only
 * through synced groups (the expectations below are the server's own decisions, and they all
 * pass offline, while without the snapshot they cannot); validate, who-can, what-can and plan read
 * the snapshot too, and a bad snapshot stops them with its problems located.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { issueCredential } from '../identity/credential.ts';
import { parseDirectorySnapshot } from '../org/index.ts';
import { GROUP_SCHEMA, USER_SCHEMA } from '../scim/index.ts';
import { applyTestConfig } from '../server/apply-test-config.test-support.ts';
import { issueSignIn } from '../server/issue-sign-in.ts';
import { scimClient, scimToken, type ScimCall } from '../server/scim-test-client.test-support.ts';
import { startTestServer } from '../server/test-server.test-support.ts';
import { FAILURE_STATUS } from './exit-status.ts';
import { runCli } from './run-cli.test-support.ts';

const SYNCED = resolve(import.meta.dirname, '../../test/fixtures/org-synced');
const work = mkdtempSync(join(tmpdir(), 'parapet-directory-'));
const server = await startTestServer({ listen: true, settings: { host: '127.0.0.1' } });
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});
const url = server.url!;

async function tokenFile(name: string, sub: string, use: 'service' | 'sign-in'): Promise<string> {
  const now = new Date();
  const { token } = await issueCredential(server.context.keys, { jti: server.context.newId(), sub, use, authTime: Math.floor(now.getTime() / 1000) }, { issuer: server.context.settings.publicUrl, now, lifetimeSeconds: 600 });
  const file = join(work, name);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}

async function user(scim: ScimCall, userName: string, active = true): Promise<string> {
  const created = await scim('POST', 'Users', { schemas: [USER_SCHEMA], userName, active, emails: [{ value: userName, type: 'work' }] });
  assert.equal(created.statusCode, 201, created.body);
  return (created.json() as { id: string }).id;
}

async function group(scim: ScimCall, displayName: string, members: readonly string[], externalId?: string): Promise<void> {
  const created = await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName, ...(externalId === undefined ? {} : { externalId }), members: members.map((value) => ({ value })) });
  assert.equal(created.statusCode, 201, created.body);
}

await applyTestConfig(server.context, SYNCED);
const scim = scimClient(server, (await scimToken(server)).token);
const zoe = await user(scim, 'zoe@example.com');
const otto = await user(scim, 'Otto@Example.com');
const rita = await user(scim, 'rita@example.com', false);
await group(scim, 'ENGINEERING', [zoe, rita]);
await group(scim, 'Operators', [otto], 'ext-operators');
await group(scim, 'Unrelated', [zoe]);
await server.context.config.refresh();

const CONTEXT = { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' };
const ASKED = [
  { user: 'zoe@example.com', account: 'prod', permissionSet: 'reader', action: 'sqs:GetQueueUrl', resource: 'arn:aws:sqs:eu-west-1:111111111111:jobs', context: CONTEXT },
  { user: 'zoe@example.com', account: 'prod', permissionSet: 'reader', action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:eu-west-1:111111111111:jobs', context: CONTEXT },
  { user: 'Otto@Example.com', account: 'dev', permissionSet: 'operator', action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs', context: CONTEXT },
  { user: 'Otto@Example.com', account: 'dev', permissionSet: 'operator', action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:222222222222:jobs', context: { ...CONTEXT, 'aws:RequestedRegion': 'us-east-1' } },
  { user: 'Otto@Example.com', account: 'dev', permissionSet: 'operator', action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs', context: { ...CONTEXT, 'aws:SecureTransport': 'false' } },
];

/** the server's decision for a request of a session it issued to the user */
async function served(asked: (typeof ASKED)[number]): Promise<string> {
  const signIn = (await issueSignIn(server.context, { user: asked.user, authTime: Math.floor(Date.now() / 1000) - 5 })).token;
  const assumed = await server.app.inject({ method: 'POST', url: '/v1/sessions', headers: { authorization: `Bearer ${signIn}` }, payload: { account: asked.account, permissionSet: asked.permissionSet } });
  assert.equal(assumed.statusCode, 201, assumed.body);
  const token = (assumed.json() as { token: string }).token;
  const decided = await server.app.inject({ method: 'POST', url: '/v1/authorize', headers: { authorization: `Bearer ${token}` }, payload: { request: { action: asked.action, resource: asked.resource, context: asked.context } } });
  assert.equal(decided.statusCode, 200, decided.body);
  return (decided.json() as { decision: { decision: string } }).decision.decision;
}

const EXPECT: Record<string, string> = { Allow: 'allow', ExplicitDeny: 'explicit-deny', ImplicitDeny: 'implicit-deny' };

describe('parapet directory export', { concurrency: false }, () => {
  const file = join(work, 'directory.json');

  test('a person may not export: forbidden, and nothing written', async () => {
    const result = await runCli('directory', 'export', '--server', url, '--token-file', await tokenFile('zoe', 'zoe@example.com', 'sign-in'), '--output', file);
    assert.equal(result.code, FAILURE_STATUS.forbidden.exit, result.err);
    assert.match(result.err, /may not export the directory: a service account exports it/);
  });

  test('a service account exports every user and group as parapet-directory/1', async () => {
    const result = await runCli('directory', 'export', '--server', url, '--token-file', await tokenFile('ci', 'service-account:ci', 'service'), '--output', file);
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, /wrote 3 users and 3 groups/);
    const parsed = parseDirectorySnapshot(readFileSync(file, 'utf8'), file);
    assert.ok(parsed.ok, JSON.stringify(parsed.issues));
    assert.deepEqual(
      parsed.value.groups.map((g) => [g.displayName, g.externalId, [...g.members].sort()]),
      [
        ['ENGINEERING', undefined, ['rita@example.com', 'zoe@example.com']],
        ['Operators', 'ext-operators', ['Otto@Example.com']],
        ['Unrelated', undefined, ['zoe@example.com']],
      ],
    );
    assert.deepEqual(parsed.value.users.find((u) => u.userName === 'rita@example.com')?.active, false);
    assert.deepEqual(parsed.value.users.find((u) => u.userName === 'zoe@example.com')?.emails, ['zoe@example.com']);
  });

  test('parapet test with the snapshot decides as the server does; without it, it cannot', async () => {
    const dir = join(work, 'config');
    cpSync(SYNCED, dir, { recursive: true });
    mkdirSync(join(dir, 'tests'));
    const tests: string[] = [];
    for (const [i, asked] of ASKED.entries()) {
      const decision = await served(asked);
      tests.push(
        `  - name: request ${i}\n    principal: user:${asked.user}\n    account: ${asked.account}\n    permissionSet: ${asked.permissionSet}\n    action: ${asked.action}\n    resource: ${asked.resource}\n    context: ${JSON.stringify(asked.context)}\n    expect: ${EXPECT[decision]}`,
      );
    }
    assert.deepEqual(
      tests.map((t) => t.split('expect: ')[1]),
      ['allow', 'explicit-deny', 'allow', 'explicit-deny', 'explicit-deny'],
      'the server answered as the fixture intends',
    );
    writeFileSync(join(dir, 'tests', 'synced.yaml'), `tests:\n${tests.join('\n')}\n`);
    const offline = await runCli('test', dir, '--directory', file);
    assert.equal(offline.code, 0, offline.out + offline.err);
    assert.match(offline.out, /5 passed/);
    const without = await runCli('test', dir);
    assert.notEqual(without.code, 0, 'without the snapshot zoe and otto are in no group');
  });

  test('validate: synced groups are empty without a snapshot (a warning), found with one', async () => {
    const without = await runCli('validate', SYNCED);
    assert.equal(without.code, 0);
    assert.match(without.out, /warning synced-group-not-loaded: group `ops` is synced from the directory group with displayName `Engineering`/);
    assert.match(without.out, /warning synced-group-not-loaded: group `operators`/);
    const withSnapshot = await runCli('validate', SYNCED, '--directory', file);
    assert.equal(withSnapshot.code, 0);
    assert.doesNotMatch(withSnapshot.out, /synced-group/);
    const empty = join(work, 'empty.json');
    writeFileSync(empty, JSON.stringify({ format: 'parapet-directory/1', users: [], groups: [] }));
    assert.match((await runCli('validate', SYNCED, '--directory', empty)).out, /warning synced-group-not-found: group `operators`: the directory snapshot has no group with externalId `ext-operators`/);
  });

  test('who-can and what-can read the snapshot; a deactivated user is in no group', async () => {
    const who = await runCli('who-can', SYNCED, '--action', 'sqs:SendMessage', '--resource', 'arn:aws:sqs:eu-west-1:222222222222:jobs', '--context', 'aws:RequestedRegion=eu-west-1', '--json', '--directory', file);
    assert.equal(who.code, 0, who.err);
    const users = (JSON.parse(who.out) as { entries: { principal: string }[] }).entries.map((e) => e.principal).filter((p) => p.startsWith('user:'));
    // ops (Engineering) and operators both give the operator set in dev; rita is in Engineering but deactivated
    assert.deepEqual([...new Set(users)].sort(), ['user:Otto@Example.com', 'user:zoe@example.com']);
    const what = await runCli('what-can', SYNCED, '--principal', 'user:zoe@example.com', '--json', '--directory', file);
    assert.equal(what.code, 0, what.err);
    const whatWithout = await runCli('what-can', SYNCED, '--principal', 'user:zoe@example.com', '--json');
    assert.notEqual(whatWithout.code, 0, 'zoe is unknown without the snapshot');
  });

  test('plan with the snapshot: moving an assignment to a synced group changes the access of its directory members', async () => {
    const dir = join(work, 'changed');
    cpSync(SYNCED, dir, { recursive: true });
    const yaml = readFileSync(join(dir, 'parapet.yaml'), 'utf8');
    writeFileSync(join(dir, 'parapet.yaml'), yaml.replace('  - { group: operators, permissionSet: operator, accounts: [dev] }', '  - { group: operators, permissionSet: operator, accounts: [dev, prod] }'));
    const plan = await runCli('plan', '--from', SYNCED, '--to', dir, '--json', '--directory', file);
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /Otto@Example\.com/);
    const planWithout = await runCli('plan', '--from', SYNCED, '--to', dir, '--json');
    assert.doesNotMatch(planWithout.out, /Otto@Example\.com/);
  });

  test('a file that is not a snapshot stops each command, located: exit 2', async () => {
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{\n  "format": "parapet-directory/1",\n  "users": [],\n  "groups": [{ "displayName": "G", "members": ["nobody@example.com"] }]\n}\n');
    for (const argv of [
      ['validate', SYNCED],
      ['who-can', SYNCED, '--action', 'sqs:SendMessage'],
      ['what-can', SYNCED, '--principal', 'group:ops'],
    ]) {
      const result = await runCli(...argv, '--directory', bad);
      assert.equal(result.code, FAILURE_STATUS['invalid-input'].exit, `${argv[0]}: ${result.err}`);
      assert.match(result.err, /bad\.json:4:48: error bad-directory-snapshot: group 0: member `nobody@example.com` is not a user of the snapshot/);
    }
  });
});
