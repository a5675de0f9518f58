/**
 * Principal tags from the directory: `directory.principalTags` maps SCIM attributes to
 * `aws:PrincipalTag/<key>` of a user's sessions. A guardrail on aws:PrincipalTag/department
 * (test/fixtures/org-tags: in dev only the platform department sends messages) decides by the
 * department SCIM gives, follows a change of it within a second, and `parapet test --directory`
 * with the exported snapshot decides the same.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { runCli } from '../cli/run-cli.test-support.ts';
import { DIRECTORY_FORMAT, loadConfigDir, syncedDirectory, type SnapshotUser } from '../org/index.ts';
import { readAttribute } from '../org/principal-tags.ts';
import { formatIssue } from '../policy/index.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/index.ts';
import { readScimDirectory } from '../store/index.ts';
import { applyTestConfig } from './apply-test-config.test-support.ts';
import { issueSignIn } from './issue-sign-in.ts';
import { snapshotOf } from './scim-directory-source.ts';
import { scimClient, scimToken, type ScimCall } from './scim-test-client.test-support.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';

const TAGS = fileURLToPath(new URL('../../test/fixtures/org-tags/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'parapet-tags-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SEND = { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs', context: { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' } };

function withConfig(yamlTail: string) {
  const dir = mkdtempSync(join(work, 'config-'));
  cpSync(TAGS, dir, { recursive: true });
  const path = join(dir, 'parapet.yaml');
  const text = readFileSync(path, 'utf8').replace(/\ndirectory:[\s\S]*$/, `\n${yamlTail}\n`);
  writeFileSync(path, text);
  return loadConfigDir(dir);
}

describe('parapet.yaml: directory.principalTags', () => {
  test('keys by AWS\'s session tag rules, SCIM attribute paths; each mistake located as bad-principal-tag', () => {
    const ok = withConfig('directory:\n  principalTags:\n    department: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department\n    cost-center: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"\n    Title: title\n    family: name.familyName');
    assert.ok(ok.ok, ok.issues.map((i) => formatIssue(i)).join('\n'));
    assert.deepEqual([...(ok.value.principalTags ?? [])].map(([k]) => k), ['department', 'cost-center', 'Title', 'family']);
    const bad = withConfig(
      'directory:\n  principalTags:\n    department: title\n    Department: title\n    "aws:team": title\n    "a*b": title\n    ok: "name..x"\n    deep: name.a.b',
    );
    assert.equal(bad.ok, false);
    const messages = bad.issues.filter((i) => i.code === 'bad-principal-tag').map((i) => `${i.path} ${i.message}`);
    assert.deepEqual(messages, [
      '$.directory.principalTags.Department principal tag `Department`: AWS compares tag keys without case: `department` is already a key',
      '$.directory.principalTags["aws:team"] principal tag `aws:team`: keys starting with `aws:` are AWS\'s own',
      '$.directory.principalTags["a*b"] principal tag `a*b`: a session tag key has only letters, digits, spaces and `_ . : / = + - @`',
      '$.directory.principalTags.ok principal tag `ok`: `name..x` is not a SCIM attribute path: expected `title`, `name.familyName` or `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`',
      '$.directory.principalTags.deep principal tag `deep`: `name.a.b` is not a SCIM attribute path: expected `title`, `name.familyName` or `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`',
    ]);
    const many = withConfig(`directory:\n  principalTags:\n${Array.from({ length: 51 }, (_, i) => `    t${i}: title`).join('\n')}`);
    assert.match(many.issues.find((i) => i.code === 'bad-principal-tag')?.message ?? '', /has 51 tags: AWS passes at most 50 session tags/);
    const wrong = withConfig('directory:\n  principalTags: [department]');
    assert.equal(wrong.issues.find((i) => i.code === 'wrong-type')?.path, '$.directory.principalTags');
  });

  test('attribute values: extension attributes, sub-attributes, the primary of a multi-valued one; an invalid tag value is left out', () => {
    const user: SnapshotUser = {
      userName: 'zoe@example.com',
      emails: ['zoe@example.com'],
      active: true,
      attributes: {
        title: 'Staff Engineer',
        name: { familyName: 'Zed' },
        phoneNumbers: [{ value: '+1 555', type: 'home' }, { value: '+1 777', type: 'work', primary: true }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'platform', costCenter: 4711, manager: { value: 'm-1', displayName: 'Max' } },
      },
    };
    assert.equal(readAttribute(user, 'URN:IETF:params:scim:schemas:extension:enterprise:2.0:User:Department'), 'platform');
    assert.equal(readAttribute(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter'), '4711');
    assert.equal(readAttribute(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value'), 'm-1');
    assert.equal(readAttribute(user, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager'), 'm-1');
    assert.equal(readAttribute(user, 'name.familyName'), 'Zed');
    assert.equal(readAttribute(user, 'phoneNumbers'), '+1 777');
    assert.equal(readAttribute(user, 'userName'), 'zoe@example.com');
    assert.equal(readAttribute(user, 'nickName'), undefined);
    const parsed = withConfig('directory:\n  principalTags:\n    title: title\n    family: name.familyName\n    phone: phoneNumbers');
    assert.ok(parsed.ok);
    const directory = syncedDirectory(parsed.value, {
      format: DIRECTORY_FORMAT,
      users: [{ ...user, attributes: { ...user.attributes, name: { familyName: 'Zed; DROP' }, title: 'x'.repeat(257) } }],
      groups: [{ displayName: 'engineering', members: ['zoe@example.com'] }],
    });
    assert.deepEqual(directory.attributesOf('zoe@example.com')?.tags, { phone: '+1 777' }, 'a `;` and 257 characters are not session tag values');
  });
});

async function user(scim: ScimCall, userName: string, department: string): Promise<string> {
  const created = await scim('POST', 'Users', {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName,
    title: 'Engineer',
    [ENTERPRISE_USER_SCHEMA]: { department, manager: { value: 'boss-1' } },
  });
  assert.equal(created.statusCode, 201, created.body);
  return (created.json() as { id: string }).id;
}

async function decide(server: TestServer, token: string): Promise<string> {
  const response = await server.app.inject({ method: 'POST', url: '/v1/authorize', headers: { authorization: `Bearer ${token}` }, payload: { request: SEND } });
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { decision: { decision: string } }).decision.decision;
}

test('a guardrail on aws:PrincipalTag/department decides by the directory\'s department, follows its change, and parapet test agrees', async () => {
  const server = await startTestServer({ settings: { pollMilliseconds: 100 } });
  try {
    await applyTestConfig(server.context, TAGS);
    const scim = scimClient(server, (await scimToken(server)).token);
    const zoe = await user(scim, 'zoe@example.com', 'platform');
    const otto = await user(scim, 'otto@example.com', 'sales');
    assert.equal((await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Operators', externalId: 'ext-operators', members: [{ value: zoe }, { value: otto }] })).statusCode, 201);
    await server.context.config.refresh();
    assert.deepEqual(server.context.config.current()?.directory.attributesOf('zoe@example.com')?.tags, { department: 'platform', manager: 'boss-1', title: 'Engineer' });
    const session = async (name: string) => {
      const signIn = (await issueSignIn(server.context, { user: name, authTime: Math.floor(Date.now() / 1000) - 5 })).token;
      const assumed = await server.app.inject({ method: 'POST', url: '/v1/sessions', headers: { authorization: `Bearer ${signIn}` }, payload: { account: 'dev', permissionSet: 'operator' } });
      assert.equal(assumed.statusCode, 201, assumed.body);
      return (assumed.json() as { token: string }).token;
    };
    const zoeSession = await session('zoe@example.com');
    const ottoSession = await session('otto@example.com');
    assert.equal(await decide(server, zoeSession), 'Allow');
    assert.equal(await decide(server, ottoSession), 'ExplicitDeny');

    // offline, with the snapshot the server would export: the same two decisions
    const dir = join(work, 'offline');
    cpSync(TAGS, dir, { recursive: true });
    mkdirSync(join(dir, 'tests'));
    const snapshotFile = join(work, 'directory.json');
    writeFileSync(snapshotFile, JSON.stringify(snapshotOf(await readScimDirectory(server.context.store, 'all'), new Date())));
    const testOf = (name: string, expect: string) =>
      `  - name: ${name}\n    principal: user:${name}\n    account: dev\n    permissionSet: operator\n    action: ${SEND.action}\n    resource: ${SEND.resource}\n    context: ${JSON.stringify(SEND.context)}\n    expect: ${expect}`;
    writeFileSync(join(dir, 'tests', 'tags.yaml'), `tests:\n${testOf('zoe@example.com', 'allow')}\n${testOf('otto@example.com', 'explicit-deny')}\n`);
    const offline = await runCli('test', dir, '--directory', snapshotFile);
    assert.equal(offline.code, 0, offline.out + offline.err);

    // otto moves to platform: his same session is allowed within a second
    const moved = await scim('PATCH', `Users/${otto}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:department`, value: 'platform' }] });
    assert.equal(moved.statusCode, 200, moved.body);
    const started = Date.now();
    while ((await decide(server, ottoSession)) !== 'Allow') {
      assert.ok(Date.now() - started < 1000, 'the new department is not decided with within a second');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await server.close();
  }
});
