/**
 * Groups synced from the directory: the `synced` shape of `parapet.yaml` (each mistake reported
 * with its code where it is written), and the directory a configuration and a snapshot make
 * together (synced-directory.ts), which the server and the CLI both decide with.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatIssue } from '../policy/index.ts';
import { configDirectory } from './config-directory.ts';
import { DIRECTORY_FORMAT, parseDirectorySnapshot, type DirectorySnapshot } from './directory-snapshot.ts';
import { loadConfigDir } from './load-config-dir.ts';
import type { OrgConfig } from './org-config.ts';
import type { ParsedConfig } from './parse-config.ts';
import { syncedDirectory } from './synced-directory.ts';

const SMALL = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const folders: string[] = [];
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** org-small with its `groups:` block replaced */
function withGroups(groups: string): { dir: string; result: ParsedConfig; line: (needle: string) => number } {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-synced-'));
  folders.push(dir);
  cpSync(SMALL, dir, { recursive: true });
  const path = join(dir, 'parapet.yaml');
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('groups:\n');
  const end = text.indexOf('assignments:');
  const next = `${text.slice(0, start)}groups:\n${groups}\n${text.slice(end)}`;
  writeFileSync(path, next);
  return { dir, result: loadConfigDir(dir), line: (needle) => next.slice(0, next.indexOf(needle)).split('\n').length };
}

function issue(result: ParsedConfig, code: string) {
  const found = result.issues.find((i) => i.code === code);
  assert.ok(found !== undefined, `no \`${code}\` among:\n${result.issues.map((i) => formatIssue(i)).join('\n')}`);
  return found;
}

describe('parapet.yaml: synced groups', () => {
  test('a group synced by displayName or by externalId is valid and has no members of its own', () => {
    const { result } = withGroups('  readers: { synced: { displayName: "Engineering Readers" } }\n  ops: { synced: { externalId: "00g1abc" } }');
    assert.ok(result.ok, result.issues.map((i) => formatIssue(i)).join('\n'));
    assert.deepEqual(result.value.groups.get('readers')?.synced, { displayName: 'Engineering Readers' });
    assert.deepEqual(result.value.groups.get('ops')?.synced, { externalId: '00g1abc' });
    assert.deepEqual(configDirectory(result.value).membersOf('ops'), [], 'without a snapshot a synced group is empty');
  });

  test('synced-group-with-members: a synced group that also lists members, at `members`', () => {
    const { result, line } = withGroups('  readers: { members: [rita@example.com] }\n  ops:\n    synced: { displayName: Ops }\n    members: [otto@example.com]');
    assert.equal(result.ok, false);
    const found = issue(result, 'synced-group-with-members');
    assert.equal(found.severity, 'error');
    assert.equal(found.line, line('    members: [otto'));
    assert.equal(found.path, '$.groups.ops.members');
  });

  test('bad-group-sync: both keys, an empty value, a control character', () => {
    const both = withGroups('  readers: { members: [rita@example.com] }\n  ops:\n    synced:\n      displayName: Ops\n      externalId: "00g1"');
    assert.equal(issue(both.result, 'bad-group-sync').line, both.line('      externalId'));
    assert.equal(issue(both.result, 'bad-group-sync').path, '$.groups.ops.synced.externalId');
    const empty = withGroups('  readers: { members: [rita@example.com] }\n  ops: { synced: { displayName: "  " } }');
    assert.match(issue(empty.result, 'bad-group-sync').message, /`synced.displayName` is empty/);
    const control = withGroups('  readers: { members: [rita@example.com] }\n  ops: { synced: { externalId: "a\\u0007b" } }');
    assert.match(issue(control.result, 'bad-group-sync').message, /control character/);
  });

  test('missing-field, unknown-field and wrong-type inside `synced`', () => {
    const none = withGroups('  readers: { members: [rita@example.com] }\n  ops: { synced: {} }');
    assert.match(issue(none.result, 'missing-field').message, /`synced` needs `displayName` or `externalId`/);
    const misspelt = withGroups('  readers: { members: [rita@example.com] }\n  ops: { synced: { displayname: Ops } }');
    assert.match(issue(misspelt.result, 'unknown-field').message, /displayname/);
    const list = withGroups('  readers: { members: [rita@example.com] }\n  ops: { synced: [Ops] }');
    assert.equal(issue(list.result, 'wrong-type').path, '$.groups.ops.synced');
    const number = withGroups('  readers: { members: [rita@example.com] }\n  ops: { synced: { externalId: 12 } }');
    assert.equal(issue(number.result, 'wrong-type').path, '$.groups.ops.synced.externalId');
  });
});

describe('syncedDirectory: the configuration combined with a snapshot', () => {
  const { result } = withGroups('  readers: { members: [rita@example.com, Otto@Example.com] }\n  ops: { synced: { displayName: engineering } }\n  auditors: { synced: { externalId: "ext-aud" } }');
  assert.ok(result.ok, result.issues.map((i) => formatIssue(i)).join('\n'));
  const config: OrgConfig = result.value;
  const snapshot: DirectorySnapshot = {
    format: DIRECTORY_FORMAT,
    users: [
      { userName: 'zoe@example.com', emails: [], active: true, attributes: {}, displayName: 'Zoe' },
      { userName: 'otto@example.com', emails: [], active: true, attributes: {} },
      { userName: 'rita@example.com', emails: [], active: false, attributes: {} },
      { userName: 'gone@example.com', emails: [], active: false, attributes: {} },
      { userName: 'aud@example.com', emails: [], active: true, attributes: {} },
    ],
    groups: [
      { displayName: 'Engineering', members: ['zoe@example.com', 'otto@example.com', 'gone@example.com', 'rita@example.com'] },
      { displayName: 'Auditors', externalId: 'ext-aud', members: ['aud@example.com'] },
      { displayName: 'Unrelated', externalId: 'EXT-AUD', members: ['zoe@example.com'] },
    ],
  };
  const directory = syncedDirectory(config, snapshot);

  test('a synced group has the directory group’s active members; displayName without case, externalId exactly', () => {
    assert.deepEqual(directory.membersOf('ops'), ['zoe@example.com', 'Otto@Example.com']);
    assert.deepEqual(directory.membersOf('auditors'), ['aud@example.com']);
  });

  test('a user the configuration lists keeps its spelling; a deactivated user is known, in no group', () => {
    assert.deepEqual(directory.groupsOf('Otto@Example.com'), ['readers', 'ops']);
    assert.equal(directory.hasUser('otto@example.com'), false, 'one person is one user, spelt as the configuration does');
    assert.deepEqual(directory.membersOf('readers'), ['Otto@Example.com'], 'rita is deactivated: not even a listed member keeps access');
    assert.deepEqual(directory.groupsOf('rita@example.com'), []);
    assert.equal(directory.attributesOf('rita@example.com')?.active, false);
    assert.equal(directory.attributesOf('gone@example.com')?.active, false);
    assert.equal(directory.hasUser('gone@example.com'), true);
    assert.equal(directory.attributesOf('zoe@example.com')?.displayName, 'Zoe');
    assert.equal(directory.hasUser('nobody@example.com'), false);
  });

  test('every group of the configuration, in its order; users in a group first, each once', () => {
    assert.deepEqual(directory.listGroups(), ['readers', 'ops', 'auditors']);
    assert.deepEqual(directory.listUsers(), ['Otto@Example.com', 'zoe@example.com', 'aud@example.com', 'rita@example.com', 'gone@example.com']);
    for (const user of directory.listUsers()) for (const group of directory.groupsOf(user)) assert.ok(directory.membersOf(group).includes(user));
  });

  test('without the directory group in the snapshot the synced group is empty', () => {
    const empty = syncedDirectory(config, { format: DIRECTORY_FORMAT, users: [], groups: [] });
    assert.deepEqual(empty.membersOf('ops'), []);
    assert.deepEqual(empty.membersOf('readers'), ['rita@example.com', 'Otto@Example.com']);
  });
});

describe('parseDirectorySnapshot', () => {
  const good = { format: DIRECTORY_FORMAT, exportedAt: '2026-12-06T08:00:00.000Z', users: [{ userName: 'a@example.com', emails: ['a@example.com'], active: true, attributes: { title: 'x' } }], groups: [{ displayName: 'G', members: ['A@example.com'] }] };

  test('a valid snapshot reads back as its value', () => {
    const parsed = parseDirectorySnapshot(JSON.stringify(good), 'dir.json');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, good);
  });

  test('every problem is located: wrong format, a member that is no user, wrong types', () => {
    const wrongFormat = parseDirectorySnapshot(JSON.stringify({ ...good, format: 'parapet-directory/9' }), 'dir.json');
    assert.equal(!wrongFormat.ok && wrongFormat.issues[0]?.path, '$.format');
    const text = JSON.stringify(
      { ...good, users: [...good.users, { userName: 'A@example.com', active: 'yes', emails: 'a' }], groups: [{ displayName: 'G', members: ['nobody@example.com', 3] }] },
      null,
      2,
    );
    const parsed = parseDirectorySnapshot(text, 'dir.json');
    assert.equal(parsed.ok, false);
    const paths = parsed.issues.map((i) => i.path);
    assert.ok(parsed.issues.every((i) => i.code === 'bad-directory-snapshot' && i.source === 'dir.json' && i.line > 1), parsed.issues.map((i) => formatIssue(i)).join('\n'));
    assert.deepEqual(paths.sort(), ['$.groups[0].members[0]', '$.groups[0].members[1]', '$.users[1].active', '$.users[1].emails'].sort());
    const syntax = parseDirectorySnapshot('{"format": ', 'dir.json');
    assert.equal(!syntax.ok && syntax.issues[0]?.code, 'json-syntax');
  });
});
