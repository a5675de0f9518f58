/**
 * Group membership is read through the Directory port only (docs/adr/0002-directory-port.md): no
 * code of src/ but the configuration's directory reads `members` of an OrgConfig `Group`, so that a
 * SCIM-synced directory reaches every analysis. The type checker finds the reads (a property
 * access, `group['members']`, a destructured `{ members }`), so a `members` field of another
 * type (a draft group, a plan's structural change) is not mistaken for one.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** where reading the configuration's members directly is the point */
const ALLOWED: Readonly<Record<string, string>> = {
  'src/org/config-directory.ts': 'the directory the configuration declares: the port implemented',
  'src/org/diff-configs.ts': 'the structural diff reports the edits to `parapet.yaml` itself, duplicates included, whatever the directory says',
};

/** a file that reads members in every way the check must see, and a `members` of another type it must not flag */
const SAMPLE = 'src/org/membership-sample.ts';
const SAMPLE_TEXT = `
import type { Group, OrgConfig } from './org-config.ts';
export const a = (config: OrgConfig) => config.groups.get('ops')?.members;
export const b = (group: Group) => group['members'];
export const c = ({ members }: Group) => members;
export const d = (groups: readonly Pick<Group, 'members'>[]) => groups.flatMap((g) => g.members);
export const notAGroup = (change: { members: readonly string[] }) => change.members;
`;

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productionFiles(path);
    return /\.ts$/.test(entry.name) && !/\.test(-support)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** every read of `Group.members` in the files: `file:line` */
function membershipReads(files: readonly string[], extra: Readonly<Record<string, string>>): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
  const host = ts.createCompilerHost(options);
  const virtual = new Map(Object.entries(extra).map(([file, text]) => [join(ROOT, file), text]));
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, language) : getSourceFile.call(host, name, language, ...rest);
  };
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram([...files, ...virtual.keys()], options, host);
  const checker = program.getTypeChecker();

  const orgConfig = program.getSourceFile(join(ROOT, 'src/org/org-config.ts'));
  assert.ok(orgConfig !== undefined, 'src/org/org-config.ts is not in the program');
  const group = orgConfig.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Group');
  const membersName = group?.members.find((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === 'members')?.name;
  assert.ok(membersName !== undefined, 'OrgConfig has no `Group.members`: update this check');
  const members = checker.getSymbolAtLocation(membersName);
  assert.ok(members !== undefined);

  // through Pick<Group, ...> and the like the property is a derived symbol: compare its roots
  const isMembers = (symbol: ts.Symbol | undefined) => symbol !== undefined && (symbol === members || checker.getRootSymbols(symbol).includes(members));
  const reads: string[] = [];
  for (const source of program.getSourceFiles()) {
    const file = relative(ROOT, source.fileName).split('\\').join('/');
    if (!file.startsWith('src/')) continue;
    const visit = (node: ts.Node): void => {
      let read = false;
      if (ts.isPropertyAccessExpression(node) && node.name.text === 'members') read = isMembers(checker.getSymbolAtLocation(node.name));
      else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === 'members') {
        read = isMembers(checker.getTypeAtLocation(node.expression).getProperty('members'));
      } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const name = node.propertyName ?? node.name;
        if (ts.isIdentifier(name) && name.text === 'members') read = isMembers(checker.getTypeAtLocation(node.parent).getProperty('members'));
      }
      if (read) reads.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return reads.sort();
}

describe('group membership is read through the Directory port only', () => {
  const reads = membershipReads(productionFiles(join(ROOT, 'src')), { [SAMPLE]: SAMPLE_TEXT });

  it('no file of src/ reads `members` of an OrgConfig group but the configuration directory (and the structural diff of the file)', () => {
    const outside = reads.filter((at) => !at.startsWith(`${SAMPLE}:`) && !(at.split(':')[0]! in ALLOWED));
    assert.deepEqual(outside, [], `read membership through a Directory (src/org/directory.ts) instead:\n${outside.join('\n')}`);
  });

  it('the allowed files still read it (an allowance nothing needs is removed)', () => {
    for (const file of Object.keys(ALLOWED)) assert.ok(reads.some((at) => at.startsWith(`${file}:`)), `${file} no longer reads members: remove it from ALLOWED`);
  });

  it('the check sees a property access, an element access, a destructuring and a Pick, and not a `members` of another type', () => {
    assert.deepEqual(
      reads.filter((at) => at.startsWith(`${SAMPLE}:`)),
      [3, 4, 5, 6].map((line) => `${SAMPLE}:${line}`),
    );
  });
});
