import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { editFiles, parseValid } from './acme-variant.test-support.ts';
import { configDirectory } from './config-directory.ts';
import type { Directory } from './directory.ts';
import { memoryDirectory } from './memory-directory.test-support.ts';
import type { Group, OrgConfig } from './org-config.ts';
import { readConfigDir } from './read-config-dir.ts';

const SMALL = readConfigDir(fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url)));

/** the small organization with its `groups` replaced */
function withGroups(groups: string): OrgConfig {
  return parseValid(editFiles(SMALL, [['parapet.yaml', 'groups:\n  readers: { members: [rita@example.com] }\n  ops: { members: [otto@example.com, rita@example.com] }\n', `groups:\n${groups}`]]));
}

// `ops` lists rita twice (a `duplicate-entry` warning, still a valid configuration); `auditors` has no members
const config = withGroups(
  [
    '  readers: { members: [rita@example.com] }',
    '  ops: { members: [otto@example.com, rita@example.com, rita@example.com] }',
    '  auditors: {}',
    '  cloud: { members: [carl@example.com, otto@example.com] }',
    '',
  ].join('\n'),
);

const GROUPS = {
  readers: ['rita@example.com'],
  ops: ['otto@example.com', 'rita@example.com', 'rita@example.com'],
  auditors: [],
  cloud: ['carl@example.com', 'otto@example.com'],
};

/** what every implementation of the port answers for these groups: the configuration's, and one held in memory */
const implementations: readonly (readonly [string, () => Directory])[] = [
  ['configDirectory', () => configDirectory(config)],
  ['memoryDirectory', () => memoryDirectory({ groups: GROUPS })],
];

for (const [name, make] of implementations) {
  describe(`${name}: the Directory port`, () => {
    const directory = make();

    test('groups in their order, users in the order groups first list them, each once', () => {
      assert.deepEqual(directory.listGroups(), ['readers', 'ops', 'auditors', 'cloud']);
      assert.deepEqual(directory.listUsers(), ['rita@example.com', 'otto@example.com', 'carl@example.com']);
    });

    test('members of a group, each once; none for a group without members or an unknown group', () => {
      assert.deepEqual(directory.membersOf('ops'), ['otto@example.com', 'rita@example.com']);
      assert.deepEqual(directory.membersOf('auditors'), []);
      assert.deepEqual(directory.membersOf('nobody'), []);
      assert.deepEqual(directory.membersOf('rita@example.com'), []);
    });

    test("a user's groups in the groups' order, each once; none for an unknown user", () => {
      assert.deepEqual(directory.groupsOf('rita@example.com'), ['readers', 'ops']);
      assert.deepEqual(directory.groupsOf('otto@example.com'), ['ops', 'cloud']);
      assert.deepEqual(directory.groupsOf('carl@example.com'), ['cloud']);
      assert.deepEqual(directory.groupsOf('nobody@example.com'), []);
      assert.deepEqual(directory.groupsOf('ops'), []);
    });

    test('which names exist: a group is not a user, a user is not a group, names are exact', () => {
      assert.equal(directory.hasGroup('auditors'), true);
      assert.equal(directory.hasGroup('Ops'), false);
      assert.equal(directory.hasGroup('rita@example.com'), false);
      assert.equal(directory.hasUser('carl@example.com'), true);
      assert.equal(directory.hasUser('Carl@example.com'), false);
      assert.equal(directory.hasUser('ops'), false);
    });

    test('a known user has its e-mail address, is active and has no tags unless the directory says so; an unknown one has nothing', () => {
      assert.deepEqual(directory.attributesOf('otto@example.com'), { email: 'otto@example.com', active: true, tags: {} });
      assert.equal(directory.attributesOf('nobody@example.com'), undefined);
      assert.equal(directory.attributesOf('ops'), undefined);
    });
  });
}

describe('configDirectory', () => {
  test('a configuration is indexed once: the same directory every time, and groupsOf does not scan the groups again', () => {
    let reads = 0;
    // every way of reading the groups map counts, so a scan per question would show
    class CountingMap extends Map<string, Group> {
      override values() {
        reads++;
        return super.values();
      }
      override entries() {
        reads++;
        return super.entries();
      }
      override keys() {
        reads++;
        return super.keys();
      }
      override get(key: string) {
        reads++;
        return super.get(key);
      }
      override forEach(...args: Parameters<Map<string, Group>['forEach']>) {
        reads++;
        super.forEach(...args);
      }
      override [Symbol.iterator]() {
        reads++;
        return super[Symbol.iterator]();
      }
    }
    const counted: OrgConfig = { ...config, groups: new CountingMap(config.groups) };
    reads = 0;
    const directory = configDirectory(counted);
    const afterIndexing = reads;
    assert.ok(afterIndexing >= 1, 'indexing reads the groups');
    for (let i = 0; i < 1000; i++) {
      assert.equal(configDirectory(counted), directory);
      assert.deepEqual(directory.groupsOf('otto@example.com'), ['ops', 'cloud']);
      assert.equal(directory.hasUser('carl@example.com'), true);
      assert.equal(directory.membersOf('ops').length, 2);
    }
    assert.equal(reads, afterIndexing, 'no question reads the configuration again');
  });

  test('another configuration gets its own directory', () => {
    const other = withGroups('  readers: { members: [zoe@example.com] }\n  ops: {}\n');
    assert.deepEqual(configDirectory(other).listUsers(), ['zoe@example.com']);
    assert.deepEqual(configDirectory(config).groupsOf('zoe@example.com'), []);
  });

  test('its answers cannot be changed by a caller', () => {
    const directory = configDirectory(config);
    assert.throws(() => (directory.membersOf('ops') as string[]).push('mallory@example.com'), TypeError);
    assert.throws(() => (directory.groupsOf('rita@example.com') as string[]).push('cloud'), TypeError);
    assert.throws(() => (directory.listUsers() as string[]).push('mallory@example.com'), TypeError);
    assert.deepEqual(directory.membersOf('ops'), ['otto@example.com', 'rita@example.com']);
  });
});

describe('memoryDirectory', () => {
  test('knows users in no group, and the attributes it is given', () => {
    const directory = memoryDirectory({ groups: { ops: ['otto@example.com'] }, users: { 'new@example.com': { displayName: 'New', tags: { team: 'web' } } } });
    assert.deepEqual(directory.listUsers(), ['otto@example.com', 'new@example.com']);
    assert.equal(directory.hasUser('new@example.com'), true);
    assert.deepEqual(directory.groupsOf('new@example.com'), []);
    assert.deepEqual(directory.attributesOf('new@example.com'), { email: 'new@example.com', displayName: 'New', active: true, tags: { team: 'web' } });
  });
});
