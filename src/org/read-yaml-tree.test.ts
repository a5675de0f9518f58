import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatYamlPath, readYamlTree, type YamlNode } from './read-yaml-tree.ts';

function entry(node: YamlNode | undefined, key: string): YamlNode {
  assert.ok(node?.kind === 'map');
  const found = node.entries.find((e) => e.key === key);
  assert.ok(found !== undefined, `no key \`${key}\``);
  return found.value;
}

test('every node keeps its line and column', () => {
  const tree = readYamlTree('a:\n  b: [x, "y"]\n  c: 012345678901\n', 'f.yaml');
  assert.deepEqual(tree.issues, []);
  const b = entry(entry(tree.root, 'a'), 'b');
  assert.equal(b.kind, 'list');
  assert.deepEqual(b.at, { line: 2, column: 6 });
  assert.ok(b.kind === 'list');
  assert.deepEqual(b.items[1], { kind: 'scalar', value: 'y', text: '"y"', quoted: true, at: { line: 2, column: 10 } });
  // an unquoted number keeps the text as written: the digits of an account id matter
  const c = entry(entry(tree.root, 'a'), 'c');
  assert.ok(c.kind === 'scalar');
  assert.equal(c.text, '012345678901');
  assert.equal(c.quoted, false);
});

test('aliases are followed', () => {
  const tree = readYamlTree('base: &prod [full-access, deny]\nunit: *prod\n', 'f.yaml');
  const unit = entry(tree.root, 'unit');
  assert.ok(unit.kind === 'list');
  assert.deepEqual(
    unit.items.map((i) => (i.kind === 'scalar' ? i.value : undefined)),
    ['full-access', 'deny'],
  );
});

test('an unknown alias is a syntax error', () => {
  const tree = readYamlTree('a: *nope\n', 'f.yaml');
  assert.deepEqual(
    tree.issues.map((i) => [i.code, i.line]),
    [['yaml-syntax', 1]],
  );
});

test('a syntax error stops the reading, located, in lower case', () => {
  const tree = readYamlTree('a: [x, y\nb: 1\n', 'f.yaml');
  assert.equal(tree.root, undefined);
  assert.ok(tree.issues.length > 0);
  for (const issue of tree.issues) {
    assert.equal(issue.code, 'yaml-syntax');
    assert.equal(issue.source, 'f.yaml');
    assert.match(issue.message, /^[a-z]/);
  }
});

test('duplicate keys are reported at the second one; the first one counts', () => {
  const tree = readYamlTree('a: 1\nb: 2\na: 3\n', 'f.yaml');
  assert.deepEqual(
    tree.issues.map((i) => [i.code, i.line, i.message]),
    [['duplicate-key', 3, 'duplicate key `a`: each key may appear once in a map']],
  );
  assert.ok(tree.root?.kind === 'map');
  assert.deepEqual(
    tree.root.entries.map((e) => [e.key, e.value.kind === 'scalar' ? e.value.value : undefined]),
    [
      ['a', 1],
      ['b', 2],
    ],
  );
});

test('an empty value is a null scalar where its key is', () => {
  const tree = readYamlTree('groups:\n', 'f.yaml');
  const groups = entry(tree.root, 'groups');
  assert.deepEqual(groups.kind === 'scalar' ? groups.value : 'not a scalar', null);
});

test('YAML paths read like the engine JSON paths', () => {
  assert.equal(formatYamlPath(['organization', 'root', 'units', 0, 'name']), '$.organization.root.units[0].name');
  assert.equal(formatYamlPath(['groups', 'payments-devs']), '$.groups.payments-devs');
  assert.equal(formatYamlPath(['tags', 'cost center']), '$.tags["cost center"]');
});

test('duplicate keys are found by our own check, with their line and column, among many keys', () => {
  // the parser's own unique-key check is off (it compares each key with every earlier one); ours uses a set
  const keys = Array.from({ length: 5000 }, (_, i) => `group-${i}: { members: [] }`);
  const text = `groups:\n${keys.map((k) => `  ${k}\n`).join('')}  group-17: { members: [] }\n  inner: { x: 1, y: 2, x: 3 }\n`;
  const tree = readYamlTree(text, 'parapet.yaml');
  assert.deepEqual(
    tree.issues.map((i) => [i.code, i.source, i.line, i.column, i.message]),
    [
      ['duplicate-key', 'parapet.yaml', 5002, 3, 'duplicate key `group-17`: each key may appear once in a map'],
      ['duplicate-key', 'parapet.yaml', 5003, 24, 'duplicate key `x`: each key may appear once in a map'],
    ],
  );
});

test('keys that YAML reads as different values but that name the same thing are duplicates', () => {
  const tree = readYamlTree('1: a\n"1": b\n', 'f.yaml');
  assert.deepEqual(tree.issues.map((i) => [i.code, i.line, i.column]), [['duplicate-key', 2, 1]]);
});

/** the classic 400-byte "billion laughs": nine levels of nine aliases each, 9^9 values expanded */
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');

test('an alias bomb stops at the expansion limit with one located error', () => {
  assert.ok(BILLION_LAUGHS.length < 500);
  const tree = readYamlTree(BILLION_LAUGHS, 'parapet.yaml');
  assert.equal(tree.root, undefined);
  assert.equal(tree.issues.length, 1);
  const [issue] = tree.issues;
  assert.equal(issue?.code, 'yaml-alias-limit');
  assert.equal(issue?.severity, 'error');
  assert.equal(issue?.source, 'parapet.yaml');
  assert.match(issue?.message ?? '', /aliases expand to more than 100000 values/);
  // located at an alias inside the bomb, not at the start of the file
  assert.ok((issue?.line ?? 0) > 1, `line ${issue?.line}`);
});

test('reused aliases within the limit still expand in full', () => {
  const members = Array.from({ length: 20 }, (_, i) => `u${i}`).join(', ');
  const accounts = Array.from({ length: 2000 }, (_, i) => `  - { name: a${i}, members: *team }`).join('\n');
  const tree = readYamlTree(`team: &team [${members}]\naccounts:\n${accounts}\n`, 'f.yaml');
  assert.deepEqual(tree.issues, []);
  const list = entry(tree.root, 'accounts');
  assert.ok(list.kind === 'list' && list.items.length === 2000);
  const last = entry(list.items[1999], 'members');
  assert.ok(last.kind === 'list' && last.items.length === 20);
});

test('lists nested thousands deep are an error, not a stack overflow', () => {
  const flow = `${'['.repeat(3000)}${']'.repeat(3000)}`;
  const block = Array.from({ length: 500 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
  for (const text of [flow, block]) {
    const tree = readYamlTree(text, 'f.yaml');
    assert.equal(tree.root, undefined);
    assert.ok(tree.issues.some((i) => i.code === 'yaml-too-deep' || i.code === 'yaml-syntax'), JSON.stringify(tree.issues.slice(0, 2)));
    assert.ok(tree.issues.some((i) => i.severity === 'error'));
  }
});
