/**
 * Read one access test file and check every test against the organization, reporting each
 * mistake where it is written. Pure: the file is given as text.
 *
 *   read the YAML tree → read the file's shape (a list of tests, or `defaults` and `tests`) →
 *   merge each test with the defaults → read its fields → check its names against the
 *   organization → choose its permission set
 */
import { describeSuspiciousCharacters, showHiddenCharacters } from '../org/index.ts';
import {
  checkPrincipal,
  configDirectory,
  describeYamlNode,
  didYouMean,
  findAccount,
  formatPrincipalRef,
  formatYamlPath,
  parsePrincipalRef,
  readYamlMap,
  readYamlTree,
  type Directory,
  type Account,
  type OrgConfig,
  type PrincipalRef,
  type YamlEntry,
  type YamlNode,
  type YamlPathSegment,
} from '../org/index.ts';
import { capIssuesPerFile, checkContextEntry, checkRequestAction, checkRequestResource, globalContextKeyType, isAccountId, issueMessages, type ContextKeyTyper, type ContextValue } from '../policy/index.ts';
import { EXPECTATIONS, type AccessTest, type AccessTestIssue, type AccessTestIssueCode, type Expectation } from './access-test.ts';
import { principalHoldings } from './principal-holdings.ts';

export interface ParseAccessTestsOptions {
  /** warns about unknown actions (the catalog's `unknownActionChecker`) */
  readonly checkAction?: ((action: string) => string | undefined) | undefined;
  /** the types of condition keys, whose `context` values must read as them (the catalog's `contextKeyTyper`; default: AWS's global keys) */
  readonly contextKeyType?: ContextKeyTyper | undefined;
  /** who is in which group, to check users and their permission sets; default: the configuration's `groups` */
  readonly directory?: Directory | undefined;
}

export interface ParsedAccessTests {
  /** the tests without an error, in file order */
  readonly tests: readonly AccessTest[];
  readonly issues: readonly AccessTestIssue[];
  /** how many tests the file has, valid or not */
  readonly count: number;
}

const TEST_FIELDS = ['name', 'principal', 'account', 'permissionSet', 'eligible', 'action', 'resource', 'resourceAccount', 'context', 'expect'] as const;
const DEFAULT_FIELDS = TEST_FIELDS.filter((f) => f !== 'name');
const FILE_FIELDS = ['defaults', 'tests'];

type Field = (typeof TEST_FIELDS)[number];
type Path = readonly YamlPathSegment[];

/** a field's value and where it was written: in the test, or in `defaults` */
interface Located {
  readonly node: YamlNode;
  readonly path: Path;
}

class Reporter {
  readonly issues: AccessTestIssue[] = [];
  /** errors found, counting those reported once already (a mistake in `defaults` fails every test using it) */
  errors = 0;
  private readonly seen = new Set<string>();
  constructor(readonly source: string) {}

  add(code: AccessTestIssueCode, message: string, at: { line: number; column: number }, path: Path, severity: AccessTestIssue['severity'] = 'error'): void {
    if (severity === 'error') this.errors++;
    // a mistake in `defaults` is reported once, not for every test that uses it
    const id = `${code}\u0000${at.line}\u0000${at.column}\u0000${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.issues.push({ code, severity, message, source: this.source, line: at.line, column: at.column, path: formatYamlPath(path) });
  }
}

export function parseAccessTests(text: string, source: string, config: OrgConfig, options: ParseAccessTestsOptions = {}): ParsedAccessTests {
  const report = new Reporter(source);
  const directory = options.directory ?? configDirectory(config);
  const yaml = readYamlTree(text, source);
  for (const issue of yaml.issues) report.add(yamlIssueCode(issue.code), issue.message, issue, [], issue.severity);
  // a file that is not valid YAML (a syntax error, an unknown alias, a limit) is not read further: docs/access-tests.md
  const unreadable = yaml.issues.some((issue) => issue.severity === 'error' && issue.code !== 'duplicate-key');
  if (yaml.root === undefined || unreadable) return { tests: [], issues: capAccessTestIssues(report.issues), count: 0 };

  const shape = readFileShape(yaml.root, report);
  if (shape.items.length === 0 && shape.ok) report.add('no-tests', 'the file has no tests', yaml.root.at, shape.testsPath, 'warning');
  const tests: AccessTest[] = [];
  const names = new Map<string, number>();
  shape.items.forEach((item, index) => {
    const path = [...shape.testsPath, index];
    const fields = readMap(item, path, `test ${index}`, TEST_FIELDS, report);
    if (fields === undefined) return;
    const merged = new Map<Field, Located>();
    for (const [key, node] of shape.defaults) merged.set(key, { node, path: ['defaults', key] });
    for (const [key, entry] of fields) merged.set(key, { node: entry.value, path: [...path, key] });
    const nameNode = fields.get('name')?.value;
    const name = nameNode !== undefined && nameNode.kind === 'scalar' && typeof nameNode.value === 'string' && nameNode.value.trim() !== '' ? nameNode.value : undefined;
    const what = name !== undefined ? `test \`${name}\`` : `test ${index}`;
    const before = report.errors;
    if (name !== undefined && nameNode !== undefined) {
      const first = names.get(name);
      if (first !== undefined) report.add('duplicate-name', `${what}: the name is used by the test at line ${first} too: names identify tests in reports`, nameNode.at, [...path, 'name']);
      else names.set(name, nameNode.at.line);
      const suspicious = describeSuspiciousCharacters(name);
      if (suspicious !== undefined) report.add('suspicious-name', `test \`${showHiddenCharacters(name)}\`: the name ${suspicious}`, nameNode.at, [...path, 'name'], 'warning');
    }
    const contextLayers: Located[] = [];
    const defaultContext = shape.defaults.get('context');
    if (defaultContext !== undefined) contextLayers.push({ node: defaultContext, path: ['defaults', 'context'] });
    const ownContext = fields.get('context');
    if (ownContext !== undefined) contextLayers.push({ node: ownContext.value, path: [...path, 'context'] });
    const test = readTest(merged, { item, path, what, name, source, config, directory, report, options, contextLayers });
    if (test !== undefined && report.errors === before) tests.push(test);
  });
  return { tests, issues: capAccessTestIssues(report.issues), count: shape.items.length };
}

function readFileShape(root: YamlNode, report: Reporter): { items: readonly YamlNode[]; defaults: Map<Field, YamlNode>; testsPath: Path; ok: boolean } {
  const none = { items: [], defaults: new Map<Field, YamlNode>(), testsPath: [] as Path };
  if (root.kind === 'scalar' && root.value === null) return { ...none, ok: true };
  if (root.kind === 'list') return { ...none, items: root.items, ok: true };
  if (root.kind !== 'map') {
    report.add('wrong-type', `a test file must be a list of tests, or a map with \`tests\` (and \`defaults\`), not ${describeYamlNode(root)}`, root.at, []);
    return { ...none, ok: false };
  }
  const fields = readMap(root, [], 'the test file', FILE_FIELDS, report);
  const defaults = new Map<Field, YamlNode>();
  const defaultsNode = fields?.get('defaults')?.value;
  if (defaultsNode !== undefined) {
    for (const [key, entry] of readMap(defaultsNode, ['defaults'], '`defaults`', DEFAULT_FIELDS, report) ?? []) defaults.set(key, entry.value);
  }
  const testsEntry = fields?.get('tests');
  if (testsEntry === undefined) {
    if (fields !== undefined) report.add('missing-field', 'the test file: missing `tests`, the list of tests', root.at, []);
    return { items: [], defaults, testsPath: ['tests'], ok: false };
  }
  if (testsEntry.value.kind === 'scalar' && testsEntry.value.value === null) return { items: [], defaults, testsPath: ['tests'], ok: true };
  if (testsEntry.value.kind !== 'list') {
    report.add('wrong-type', `\`tests\` must be a list of tests, not ${describeYamlNode(testsEntry.value)}`, testsEntry.value.at, ['tests']);
    return { items: [], defaults, testsPath: ['tests'], ok: false };
  }
  return { items: testsEntry.value.items, defaults, testsPath: ['tests'], ok: true };
}

function readMap<K extends string>(node: YamlNode, path: Path, what: string, known: readonly K[], report: Reporter): Map<K, YamlEntry> | undefined {
  return readYamlMap(node, path, what, known, (code, message, at, where) => report.add(code, message, at, where));
}

interface TestScope {
  readonly item: YamlNode;
  readonly path: Path;
  readonly what: string;
  readonly name: string | undefined;
  readonly source: string;
  readonly config: OrgConfig;
  readonly directory: Directory;
  readonly report: Reporter;
  readonly options: ParseAccessTestsOptions;
  /** the `context` of `defaults`, then the test's own, which wins key by key */
  readonly contextLayers: readonly Located[];
}

function readTest(fields: ReadonlyMap<Field, Located>, scope: TestScope): AccessTest | undefined {
  const read = fieldReader(fields, scope);
  checkName(read, scope);
  const principal = readPrincipal(read, scope);
  const { account, accountAt } = readAccount(read, scope);
  const eligible = readEligible(read, scope);
  const permissionSet = readPermissionSet(read, scope, { principal, account, accountAt, eligible });
  const action = readAction(read, scope);
  const resource = readResource(read, scope);
  const resourceAccount = readResourceAccount(read, scope);
  const context = readContext(scope);
  const expect = readExpect(read, scope);

  if (scope.name === undefined || principal === undefined || account === undefined || permissionSet === undefined || action === undefined || resource === undefined || expect === undefined || context === undefined) {
    return undefined;
  }
  return {
    name: scope.name,
    source: scope.source,
    line: scope.item.at.line,
    column: scope.item.at.column,
    principal,
    account: account.name,
    permissionSet,
    eligible,
    action,
    resource,
    ...(resourceAccount !== undefined ? { resourceAccount } : {}),
    context,
    expect,
  };
}

/** how the fields of one test (with `defaults` merged in) are read */
interface FieldReader {
  readonly fields: ReadonlyMap<Field, Located>;
  /** a value from `defaults` is reported as such, once, not as part of the first test using it */
  whose(located: Located): string;
  /** the field, or a `missing-field` issue saying what it is for */
  required(field: Field, hint: string): Located | undefined;
  /** the field's non-empty string, or a `wrong-type` issue */
  text(located: Located | undefined, field: string): string | undefined;
}

function fieldReader(fields: ReadonlyMap<Field, Located>, scope: TestScope): FieldReader {
  const { what, report } = scope;
  const whose = (located: Located) => (located.path[0] === 'defaults' ? '`defaults`' : what);
  return {
    fields,
    whose,
    required: (field, hint) => {
      const located = fields.get(field);
      if (located === undefined) report.add('missing-field', `${what}: missing \`${field}\`, ${hint}`, scope.item.at, scope.path);
      return located;
    },
    text: (located, field) => {
      if (located === undefined) return undefined;
      const { node } = located;
      if (node.kind === 'scalar' && typeof node.value === 'string' && node.value !== '') return node.value;
      report.add('wrong-type', `${whose(located)}: \`${field}\` must be a string, not ${describeYamlNode(node)}`, node.at, located.path);
      return undefined;
    },
  };
}

function checkName({ fields }: FieldReader, { what, report, item, path, name }: TestScope): void {
  const nameAt = fields.get('name');
  if (nameAt === undefined) report.add('missing-field', `${what}: missing \`name\`, what the test checks, in words`, item.at, path);
  else if (name === undefined) report.add('wrong-type', `${what}: \`name\` must be a string, not ${describeYamlNode(nameAt.node)}`, nameAt.node.at, nameAt.path);
}

/** who asks */
function readPrincipal(read: FieldReader, { report, config, directory }: TestScope): PrincipalRef | undefined {
  const principalAt = read.required('principal', 'who asks: `group:NAME`, `user:EMAIL` or `service:NAME`');
  const principalText = read.text(principalAt, 'principal');
  if (principalText === undefined || principalAt === undefined) return undefined;
  const parsed = parsePrincipalRef(principalText);
  if (!parsed.ok) {
    report.add('bad-principal', `${read.whose(principalAt)}: ${issueMessages(parsed.issues)}`, principalAt.node.at, principalAt.path);
    return undefined;
  }
  const unknown = checkPrincipal(config, parsed.value, directory);
  if (unknown !== undefined) {
    report.add(unknown.code, `${read.whose(principalAt)}: ${unknown.message}`, principalAt.node.at, principalAt.path);
    return undefined;
  }
  return parsed.value;
}

/** where the principal works */
function readAccount(read: FieldReader, { report, config }: TestScope): { account: Account | undefined; accountAt: Located | undefined } {
  const accountAt = read.required('account', 'the account the principal works in, by name or id');
  const accountText = read.text(accountAt, 'account');
  const account = accountText === undefined ? undefined : findAccount(config, accountText);
  if (accountText !== undefined && account === undefined && accountAt !== undefined) {
    report.add('unknown-account', `${read.whose(accountAt)}: unknown account \`${accountText}\`${didYouMean(accountText, config.accounts.keys())}`, accountAt.node.at, accountAt.path);
  }
  return { account, accountAt };
}

function readEligible(read: FieldReader, { report }: TestScope): boolean {
  const eligibleAt = read.fields.get('eligible');
  if (eligibleAt === undefined) return false;
  if (eligibleAt.node.kind === 'scalar' && typeof eligibleAt.node.value === 'boolean') return eligibleAt.node.value;
  report.add('wrong-type', `${read.whose(eligibleAt)}: \`eligible\` must be true or false, not ${describeYamlNode(eligibleAt.node)}`, eligibleAt.node.at, eligibleAt.path);
  return false;
}

/** with which permission set: the one named, or the only one the principal holds in the account */
function readPermissionSet(
  read: FieldReader,
  { what, report, config, directory }: TestScope,
  { principal, account, accountAt, eligible }: { principal: PrincipalRef | undefined; account: Account | undefined; accountAt: Located | undefined; eligible: boolean },
): string | undefined {
  const permissionSetAt = read.fields.get('permissionSet');
  const permissionSetText = read.text(permissionSetAt, 'permissionSet');
  if (permissionSetText !== undefined && !config.permissionSets.has(permissionSetText) && permissionSetAt !== undefined) {
    report.add(
      'unknown-permission-set',
      `${read.whose(permissionSetAt)}: unknown permission set \`${permissionSetText}\`${didYouMean(permissionSetText, config.permissionSets.keys())}`,
      permissionSetAt.node.at,
      permissionSetAt.path,
    );
  }
  if (principal === undefined || account === undefined || (permissionSetAt !== undefined && (permissionSetText === undefined || !config.permissionSets.has(permissionSetText)))) return undefined;
  const where = permissionSetAt ?? accountAt!;
  return choosePermissionSet(config, directory, principal, account.name, permissionSetText, eligible, (code, message) => report.add(code, `${what}: ${message}`, where.node.at, where.path));
}

/** what the request does */
function readAction(read: FieldReader, { report, options }: TestScope): string | undefined {
  const actionAt = read.required('action', 'the action the request makes, such as `s3:GetObject`');
  const action = read.text(actionAt, 'action');
  if (action !== undefined && actionAt !== undefined) {
    const problem = checkRequestAction(action);
    if (problem !== undefined) report.add('bad-action', `${read.whose(actionAt)}: ${problem}`, actionAt.node.at, actionAt.path);
    else {
      const warning = options.checkAction?.(action);
      if (warning !== undefined) report.add('unknown-action', `${read.whose(actionAt)}: ${warning}`, actionAt.node.at, actionAt.path, 'warning');
    }
  }
  return action;
}

/** on what: `*` when the test names no resource */
function readResource(read: FieldReader, { report }: TestScope): string | undefined {
  const resourceAt = read.fields.get('resource');
  const resource = resourceAt === undefined ? '*' : read.text(resourceAt, 'resource');
  const resourceProblem = resource === undefined ? undefined : checkRequestResource(resource);
  if (resourceProblem !== undefined && resourceAt !== undefined) report.add('bad-resource', `${read.whose(resourceAt)}: ${resourceProblem}`, resourceAt.node.at, resourceAt.path);
  return resource;
}

/** the account owning the resource: one of the organization by name or id, or the id of one outside it */
function readResourceAccount(read: FieldReader, { report, config }: TestScope): string | undefined {
  const resourceAccountAt = read.fields.get('resourceAccount');
  const resourceAccountText = read.text(resourceAccountAt, 'resourceAccount');
  if (resourceAccountText === undefined || resourceAccountAt === undefined) return undefined;
  const owner = findAccount(config, resourceAccountText);
  if (owner !== undefined) return owner.name;
  if (isAccountId(resourceAccountText)) return resourceAccountText;
  report.add(
    'unknown-account',
    `${read.whose(resourceAccountAt)}: unknown account \`${resourceAccountText}\`${didYouMean(resourceAccountText, config.accounts.keys())}: name an account of the organization, or give the 12-digit id of one outside it`,
    resourceAccountAt.node.at,
    resourceAccountAt.path,
  );
  return undefined;
}

/** the answer expected */
function readExpect(read: FieldReader, { report }: TestScope): Expectation | undefined {
  const expectAt = read.required('expect', `the decision expected: ${listExpectations('or')}`);
  if (expectAt === undefined) return undefined;
  const node = expectAt.node;
  const written = node.kind === 'scalar' && node.value !== null ? String(node.value) : undefined;
  const expect = EXPECTATIONS.find((e) => e === written);
  if (expect === undefined) {
    const shown = written !== undefined ? `\`${written}\`` : describeYamlNode(node);
    const near = written !== undefined ? didYouMean(written, EXPECTATIONS) : '';
    report.add('bad-expectation', `${read.whose(expectAt)}: \`expect\` must be ${listExpectations('or')}, not ${shown}${near}`, node.at, expectAt.path);
  }
  return expect;
}

/**
 * The permission set a test uses: the one it names, which the principal must hold in the account
 * (standing, or eligible when the test says `eligible: true`), or the only one it holds there
 */
function choosePermissionSet(
  config: OrgConfig,
  directory: Directory,
  principal: PrincipalRef,
  account: string,
  named: string | undefined,
  eligible: boolean,
  report: (code: AccessTestIssueCode, message: string) => void,
): string | undefined {
  const who = `\`${formatPrincipalRef(principal)}\``;
  const held = principalHoldings(config, principal, directory).filter((g) => g.account.name === account);
  const usable = held.filter((g) => g.standing || (eligible && g.eligible));
  const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
  if (named !== undefined) {
    if (usable.some((g) => g.permissionSet === named)) return named;
    if (held.some((g) => g.permissionSet === named)) {
      report('no-such-assignment', `${who} holds \`${named}\` in \`${account}\` only just in time: add \`eligible: true\` to test the access after elevation`);
    } else {
      const others = held.map((g) => g.permissionSet);
      report('no-such-assignment', `${who} holds no \`${named}\` in \`${account}\`${others.length > 0 ? `: it holds ${list(others)} there` : ': no assignment gives it access there'}`);
    }
    return undefined;
  }
  if (usable.length === 1) return usable[0]!.permissionSet;
  if (usable.length > 1) {
    report('ambiguous-permission-set', `${who} holds ${list(usable.map((g) => g.permissionSet))} in \`${account}\`: say which with \`permissionSet\``);
    return undefined;
  }
  if (held.length > 0) {
    report('no-such-assignment', `${who} holds ${list(held.map((g) => g.permissionSet))} in \`${account}\` only just in time: add \`eligible: true\` to test the access after elevation`);
  } else report('no-such-assignment', `${who} holds no permission set in \`${account}\`: no assignment gives it access there`);
  return undefined;
}

/** `context`: condition keys to a value or a list of values; `null` removes a key set in `defaults` */
function readContext(scope: TestScope): Record<string, ContextValue> | undefined {
  const { report } = scope;
  const layers = scope.contextLayers;
  const typeOf = scope.options.contextKeyType ?? globalContextKeyType;
  const context = new Map<string, { key: string; value: ContextValue }>();
  let ok = true;
  for (const layer of layers) {
    const node = layer.node;
    const what = layer.path[0] === 'defaults' ? '`defaults`' : scope.what;
    if (node.kind === 'scalar' && node.value === null) continue;
    if (node.kind !== 'map') {
      report.add('bad-context', `${what}: \`context\` must be a map from condition keys to values, not ${describeYamlNode(node)}`, node.at, layer.path);
      ok = false;
      continue;
    }
    for (const entry of node.entries) {
      const path = [...layer.path, entry.key];
      if (!/^[A-Za-z0-9-]+:\S+$/.test(entry.key)) {
        report.add('bad-context', `${what}: \`${entry.key}\` is not a condition key: expected \`prefix:name\`, such as \`aws:RequestedRegion\``, entry.keyAt, path);
        ok = false;
        continue;
      }
      const value = contextValue(entry.value);
      if (value === null) {
        context.delete(entry.key.toLowerCase());
        continue;
      }
      if (value === undefined) {
        report.add('bad-context', `${what}: context key \`${entry.key}\` must have a value or a list of values, not ${describeYamlNode(entry.value)}`, entry.value.at, path);
        ok = false;
        continue;
      }
      // a value that does not read as its key's type would make every condition on the key false
      const problems = checkContextEntry(entry.key, value, typeOf);
      for (const problem of problems) {
        const node = entry.value.kind === 'list' && problem.index !== undefined ? (entry.value.items[problem.index] ?? entry.value) : entry.value;
        report.add('bad-context', `${what}: ${problem.message}`, node.at, problem.index === undefined ? path : [...path, problem.index]);
      }
      if (problems.length > 0) {
        ok = false;
        continue;
      }
      context.set(entry.key.toLowerCase(), { key: entry.key, value });
    }
  }
  return ok ? Object.fromEntries([...context.values()].map(({ key, value }) => [key, value])) : undefined;
}

/** a scalar as text (`true`, `42`), a list of scalars, `null` for an empty value; undefined otherwise */
function contextValue(node: YamlNode): ContextValue | null | undefined {
  const scalar = (n: YamlNode): string | undefined =>
    n.kind === 'scalar' && n.value !== null && typeof n.value !== 'object' ? (typeof n.value === 'string' ? n.value : n.quoted ? String(n.value) : n.text) : undefined;
  if (node.kind === 'scalar') return node.value === null ? null : scalar(node);
  if (node.kind === 'list') {
    const values = node.items.map(scalar);
    return values.every((v): v is string => v !== undefined) ? values : undefined;
  }
  return undefined;
}

function listExpectations(last: string): string {
  const quoted = EXPECTATIONS.map((e) => `\`${e}\``);
  return `${quoted.slice(0, -1).join(', ')} ${last} ${quoted[quoted.length - 1]}`;
}


/** the YAML reader's codes that a test file keeps as they are; the rest are syntax */
function yamlIssueCode(code: string): AccessTestIssueCode {
  return code === 'duplicate-key' || code === 'yaml-alias-limit' || code === 'yaml-too-deep' ? code : 'yaml-syntax';
}

function capAccessTestIssues(issues: readonly AccessTestIssue[]): AccessTestIssue[] {
  return capIssuesPerFile(issues, (first, message, severity) => ({ ...first, code: 'too-many-issues', severity, message }));
}
