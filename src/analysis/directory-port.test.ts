/**
 * Every analysis reads group membership from the Directory it is given, not from `parapet.yaml`:
 * the same configuration with a directory (held in memory, as a SCIM-synced store will hold one)
 * that adds `zoe` to `ops` and has no `otto` answers for zoe and no longer for otto.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { configDirectory, formatPrincipalRef, loadConfigDir, resolveAccess, type OrgConfig } from '../org/index.ts';
import { memoryDirectory } from '../org/memory-directory.test-support.ts';
import { accessCompiler } from './access-compiler.ts';
import { buildPlan } from './build-plan.ts';
import { parseAccessTests } from './parse-access-tests.ts';
import { runAccessTests } from './run-access-tests.ts';
import { whatCan } from './what-can.ts';
import { whoCan } from './who-can.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const parsed = loadConfigDir(FIXTURE);
if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
const config: OrgConfig = parsed.value;
const catalog = loadCatalog();
const rcpServices = catalog.rcpSupportedServices();

// the fixture: readers [rita], ops [otto, rita]; here ops is [rita, zoe], and `new` is in no group
const synced = memoryDirectory({ groups: { readers: ['rita@example.com'], ops: ['rita@example.com', 'zoe@example.com'] }, users: { 'new@example.com': {} } });
const zoe = { kind: 'user', name: 'zoe@example.com' } as const;
const otto = { kind: 'user', name: 'otto@example.com' } as const;

describe('resolveAccess reads membership through the directory', () => {
  test("zoe holds ops's operator set in dev through the directory; the configuration does not know her", () => {
    const query = { principal: zoe, account: 'dev', permissionSet: 'operator' };
    const fromConfig = resolveAccess(config, query);
    assert.equal(fromConfig.ok, false);
    assert.deepEqual(!fromConfig.ok && fromConfig.issues.map((i) => i.code), ['unknown-user']);
    const fromDirectory = resolveAccess(config, query, synced);
    assert.ok(fromDirectory.ok);
    assert.equal(fromDirectory.value.standing, true);
    assert.deepEqual(fromDirectory.value.sources.map((g) => g.kind === 'assignment' && g.group), ['ops']);
  });

  test('otto is unknown to the directory; a user it knows in no group is known and holds nothing', () => {
    const ottoResult = resolveAccess(config, { principal: otto, account: 'dev', permissionSet: 'operator' }, synced);
    assert.deepEqual(!ottoResult.ok && ottoResult.issues.map((i) => i.code), ['unknown-user']);
    const fresh = resolveAccess(config, { principal: { kind: 'user', name: 'new@example.com' }, account: 'dev', permissionSet: 'operator' }, synced);
    assert.ok(fresh.ok);
    assert.deepEqual(fresh.value.sources, []);
    assert.equal(fresh.value.standing, false);
  });
});

describe('who-can and what-can read membership through the directory', () => {
  const deleteQueue = { action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs' };
  const principalsOf = (result: ReturnType<typeof whoCan>) => {
    assert.ok(result.ok);
    return result.value.entries.map((e) => `${formatPrincipalRef(e.principal)} ${e.permissionSet} ${e.account}`);
  };

  test('who can delete a dev queue: otto from the configuration, zoe from the directory', () => {
    assert.deepEqual(principalsOf(whoCan(config, deleteQueue, { rcpServices })), [
      'group:ops operator dev',
      'user:rita@example.com operator dev',
      'user:otto@example.com operator dev',
    ]);
    assert.deepEqual(principalsOf(whoCan(config, deleteQueue, { rcpServices, directory: synced })), [
      'group:ops operator dev',
      'user:rita@example.com operator dev',
      'user:zoe@example.com operator dev',
    ]);
  });

  test("what zoe can do: unknown to the configuration; ops's sets through the directory", () => {
    const fromConfig = whatCan(config, catalog, { principal: zoe, account: 'dev' }, { rcpServices });
    assert.deepEqual(!fromConfig.ok && fromConfig.issues.map((i) => i.code), ['unknown-user']);
    const fromDirectory = whatCan(config, catalog, { principal: zoe, account: 'dev' }, { rcpServices, directory: synced });
    assert.ok(fromDirectory.ok);
    assert.deepEqual(
      fromDirectory.value.access.map((a) => `${a.permissionSet} ${a.via} ${a.groups.join()}`),
      ['operator standing ops'],
    );
    assert.ok(fromDirectory.value.access[0]!.services.some((s) => s.granted.some((g) => g.action === 'sqs:DeleteQueue')));
  });

  test('a compiler shared between questions resolves in its own directory: a question may not name another', () => {
    const compiler = accessCompiler(config, { rcpServices, directory: synced });
    assert.equal(compiler.directory, synced);
    assert.deepEqual(principalsOf(whoCan(config, deleteQueue, { compiler })).at(-1), 'user:zoe@example.com operator dev');
    assert.throws(() => whoCan(config, deleteQueue, { compiler: accessCompiler(config, { rcpServices }), directory: synced }), /another directory/);
    assert.equal(accessCompiler(config).directory, configDirectory(config));
  });
});

describe('access tests read membership through the directory', () => {
  const text = [
    'defaults: { context: { aws:RequestedRegion: eu-west-1, aws:SecureTransport: true } }',
    'tests:',
    '  - { name: zoe deletes dev queues, principal: user:zoe@example.com, account: dev, action: sqs:DeleteQueue, resource: "arn:aws:sqs:eu-west-1:222222222222:jobs", expect: allow }',
    '',
  ].join('\n');

  test('zoe is unknown to the configuration, and allowed through the directory', () => {
    const fromConfig = parseAccessTests(text, 'tests/t.yaml', config);
    assert.deepEqual(fromConfig.issues.map((i) => i.code), ['unknown-user']);
    assert.equal(fromConfig.tests.length, 0);

    const fromDirectory = parseAccessTests(text, 'tests/t.yaml', config, { directory: synced });
    assert.deepEqual(fromDirectory.issues, []);
    // the permission set is chosen from what the directory's groups hold: ops's operator set in dev
    assert.equal(fromDirectory.tests[0]?.permissionSet, 'operator');
    const [result] = runAccessTests(config, fromDirectory.tests, { rcpServices, directory: synced });
    assert.equal(result?.decision.decision, 'Allow');
    assert.equal(result?.pass, true);
    // the configuration's directory does not know zoe: the test cannot be run against it
    assert.throws(() => runAccessTests(config, fromDirectory.tests, { rcpServices }), /is in no group/);
  });
});

describe('the plan compares the directories before and now', () => {
  test('the same configuration with otto gone and zoe added to ops: otto loses and zoe gains what ops holds', () => {
    assert.deepEqual(buildPlan(config, config, { catalog, from: 'a', to: 'b' }).userAccess, []);
    const report = buildPlan(config, config, { catalog, from: 'a', to: 'b', directories: { after: synced } });
    const changes = report.userAccess.map((c) => {
      const impact = report.impacts[c.impact]!;
      return `${c.sample.join()} ${c.account} ${c.mode} ${c.permissionSets.before.join()}→${c.permissionSets.after.join()} ${impact.gained > 0 ? 'gained' : ''}${impact.lost > 0 ? 'lost' : ''}`;
    });
    assert.deepEqual(changes.sort(), [
      'otto@example.com dev standing operator→ lost',
      'otto@example.com prod eligible admin→ lost',
      'zoe@example.com dev standing →operator gained',
      'zoe@example.com prod eligible →admin gained',
    ]);
    // the directory given for before counts too: the same directory on both sides changes nothing
    assert.deepEqual(buildPlan(config, config, { catalog, from: 'a', to: 'b', directories: { before: synced, after: synced } }).userAccess, []);
  });
});
