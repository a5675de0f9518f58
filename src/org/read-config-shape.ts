/**
 * Reads the YAML tree of `parapet.yaml` into a draft configuration, reporting every field of the
 * wrong type, missing, unknown or malformed where it is written. Names are not checked against
 * each other here (see check-references.ts); what cannot be read is left out of the draft, so
 * later checks do not repeat a mistake already reported.
 */
import { isAccountId } from '../policy/index.ts';
import type { ConfigIssue, ConfigIssueCode, Position } from './config-issue.ts';
import { describeSuspiciousCharacters, showHiddenCharacters } from './check-name-characters.ts';
import { describeYamlNode } from './describe-yaml-node.ts';
import { readGitHubTrust } from './read-github-trust.ts';
import { readYamlMap } from './read-yaml-map.ts';
import type {
  DraftAccount,
  DraftAssignment,
  DraftAuditReaders,
  DraftConfig,
  DraftGroup,
  GroupSync,
  DraftGuardrail,
  DraftPermissionSet,
  DraftServiceAccount,
  DraftUnit,
  Ref,
} from './draft-config.ts';
import { DEFAULT_SESSION_DURATION, MIN_SESSION_SECONDS, parseSessionDuration } from './parse-session-duration.ts';
import { formatYamlPath, type YamlEntry, type YamlNode, type YamlPathSegment } from './read-yaml-tree.ts';
import { issueMessages } from '../policy/index.ts';

export const CONFIG_FILE = 'parapet.yaml';

type Path = readonly YamlPathSegment[];

const TOP_FIELDS = ['organization', 'guardrails', 'resourceGuardrails', 'permissionSets', 'groups', 'assignments', 'serviceAccounts', 'audit', 'directory'];
const AUDIT_FIELDS = ['readers'];
const AUDIT_READER_FIELDS = ['groups', 'serviceAccounts'];
const DIRECTORY_FIELDS = ['principalTags'];
const ORGANIZATION_FIELDS = ['name', 'id', 'managementAccount', 'root'];
const ROOT_FIELDS = ['id', 'guardrails', 'resourceGuardrails', 'units', 'accounts'];
const UNIT_FIELDS = ['name', 'awsName', ...ROOT_FIELDS];
const ACCOUNT_FIELDS = ['id', 'name', 'awsName', 'tags', 'guardrails', 'resourceGuardrails'];
const GUARDRAIL_FIELDS = ['file', 'id', 'awsName'];

/**
 * AWS Organizations' patterns for the ids `parapet aws import` records (API reference, data types
 * `Root`, `OrganizationalUnit` and `PolicySummary`, field `Id`); AWS-managed policies have ids
 * such as `p-FullAWSAccess`
 */
const AWS_IDS = {
  root: { pattern: /^r-[0-9a-z]{4,32}$/, expected: '`r-` and 4 to 32 lower-case letters or digits, such as `r-a1b2`' },
  unit: { pattern: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, expected: '`ou-`, 4 to 32 lower-case letters or digits, `-` and 8 to 32 more, such as `ou-a1b2-c3d4e5f6`' },
  policy: { pattern: /^p-[0-9a-zA-Z_]{8,128}$/, expected: '`p-` and 8 to 128 letters, digits or `_`, such as `p-a1b2c3d4`' },
} as const;
/** AWS's names of units, accounts and policies are 1 to 128 characters (accounts: up to 50) */
const AWS_NAME_MAX = 128;
const PERMISSION_SET_FIELDS = ['policies', 'boundary', 'sessionDuration'];
const GROUP_FIELDS = ['members', 'synced'];
const GROUP_SYNC_FIELDS = ['displayName', 'externalId'];
/** SCIM's displayName and externalId are strings; a longer one is surely a mistake */
const GROUP_SYNC_MAX = 1024;
const ASSIGNMENT_FIELDS = ['group', 'permissionSet', 'accounts', 'eligible'];
const SERVICE_ACCOUNT_FIELDS = ['permissionSet', 'accounts', 'github'];

/**
 * AWS Organizations' pattern for an organization id (API reference, `Organization` data type,
 * `Id`): `o-` followed by 10 to 32 lower-case letters or digits
 */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** names are identifiers: referenced elsewhere, joined with `/` into unit paths and with `:` into principals */
const NAME = /^[^\s/:,*]+$/;

class Reader {
  readonly issues: ConfigIssue[] = [];

  add(code: ConfigIssueCode, message: string, at: Position, path: Path, severity: ConfigIssue['severity'] = 'error'): void {
    this.issues.push({ code, severity, message, source: CONFIG_FILE, line: at.line, column: at.column, path: formatYamlPath(path) });
  }

  /** the entries of a map, by key; unknown keys are reported (a misspelt key would silently drop what it holds) */
  map(node: YamlNode, path: Path, what: string, known: readonly string[]): Map<string, YamlEntry> | undefined {
    return readYamlMap(node, path, what, known, (code, message, at, where) => this.add(code, message, at, where));
  }

  /** a map whose keys are names the user chooses (guardrails, permission sets, groups, service accounts) */
  namedMap(node: YamlNode, path: Path, what: string): YamlEntry[] {
    if (node.kind === 'scalar' && node.value === null) return [];
    if (node.kind !== 'map') {
      this.add('wrong-type', `${what} must be a map from names to definitions, not ${describeYamlNode(node)}`, node.at, path);
      return [];
    }
    // a bad name is reported and kept, so that what refers to it does not fail again
    for (const entry of node.entries) {
      if (this.checkName(entry.key, entry.keyAt, [...path, entry.key], what)) this.checkCharacters(entry.key, entry.keyAt, [...path, entry.key], what);
    }
    return [...node.entries];
  }

  required(fields: Map<string, YamlEntry>, key: string, at: Position, path: Path, what: string): YamlEntry | undefined {
    const entry = fields.get(key);
    if (entry === undefined) this.add('missing-field', `${what}: missing \`${key}\``, at, path);
    return entry;
  }

  string(node: YamlNode, path: Path, what: string): string | undefined {
    if (node.kind !== 'scalar' || typeof node.value !== 'string') {
      this.add('wrong-type', `${what} must be a string, not ${describeYamlNode(node)}`, node.at, path);
      return undefined;
    }
    return node.value;
  }

  checkName(name: string, at: Position, path: Path, what: string): boolean {
    if (NAME.test(name)) return true;
    this.add('bad-name', `${what}: \`${showHiddenCharacters(name)}\` is not a valid name: use no spaces, \`/\`, \`:\`, \`,\` or \`*\``, at, path);
    return false;
  }

  /** a name that is defined here (not one that refers to a definition): warned about when it can deceive a reader */
  checkCharacters(name: string, at: Position, path: Path, what: string): void {
    const problem = describeSuspiciousCharacters(name);
    if (problem !== undefined) this.add('suspicious-name', `${what}: \`${showHiddenCharacters(name)}\` ${problem}`, at, path, 'warning');
  }

  name(node: YamlNode, path: Path, what: string): Ref | undefined {
    const value = this.string(node, path, what);
    if (value === undefined) return undefined;
    // reported, and kept: a unit or account with a bad name still holds what is under it
    this.checkName(value, node.at, path, what);
    return { name: value, at: node.at, path: formatYamlPath(path) };
  }

  /** a list of names; an empty value is an empty list */
  names(node: YamlNode, path: Path, what: string): Ref[] {
    if (node.kind === 'scalar' && node.value === null) return [];
    if (node.kind !== 'list') {
      this.add('wrong-type', `${what} must be a list, not ${describeYamlNode(node)}`, node.at, path);
      return [];
    }
    const out: Ref[] = [];
    node.items.forEach((item, i) => {
      const ref = this.name(item, [...path, i], `${what} item ${i}`);
      if (ref !== undefined) out.push(ref);
    });
    return out;
  }

  /** a file path relative to the repository, normalized (`./a/../b.json` → `b.json`) */
  file(node: YamlNode, path: Path, what: string): Ref | undefined {
    const value = this.string(node, path, what);
    if (value === undefined) return undefined;
    this.checkCharacters(value, node.at, path, what);
    const normalized = normalizeFilePath(value);
    if (typeof normalized !== 'string') {
      this.add('bad-path', `${what}: \`${value}\` ${normalized.problem}`, node.at, path);
      return undefined;
    }
    return { name: normalized, at: node.at, path: formatYamlPath(path) };
  }

  files(node: YamlNode, path: Path, what: string): Ref[] {
    if (node.kind !== 'list') {
      this.add('wrong-type', `${what} must be a list of files, not ${describeYamlNode(node)}`, node.at, path);
      return [];
    }
    return node.items.flatMap((item, i) => this.file(item, [...path, i], `${what} item ${i}`) ?? []);
  }

  /** 12 digits, written as a string: YAML reads an unquoted `012345678901` as the number 12345678901 */
  accountId(node: YamlNode, path: Path, what: string): Ref | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'number' && !node.quoted) {
      this.add('bad-account-id', `${what}: write the account id in quotes, \`"${node.text}"\`: YAML reads it as the number ${node.value}`, node.at, path);
      return undefined;
    }
    const value = this.string(node, path, what);
    if (value === undefined) return undefined;
    if (!isAccountId(value)) {
      this.add('bad-account-id', `${what}: \`${value}\` is not an AWS account id: expected 12 digits`, node.at, path);
      return undefined;
    }
    return { name: value, at: node.at, path: formatYamlPath(path) };
  }

  /** an AWS id of a root, unit or policy, in AWS's pattern */
  awsId(node: YamlNode, path: Path, what: string, kind: keyof typeof AWS_IDS): Ref | undefined {
    const value = this.string(node, path, what);
    if (value === undefined) return undefined;
    if (!AWS_IDS[kind].pattern.test(value)) {
      this.add('bad-aws-id', `${what}: \`${showHiddenCharacters(value)}\` is not an AWS ${kind} id: expected ${AWS_IDS[kind].expected}`, node.at, path);
      return undefined;
    }
    return { name: value, at: node.at, path: formatYamlPath(path) };
  }

  /** AWS's own name for a unit, account or policy, kept as AWS has it (spaces and all) */
  awsName(node: YamlNode, path: Path, what: string): string | undefined {
    const value = this.string(node, path, what);
    if (value === undefined) return undefined;
    if (value.length === 0 || value.length > AWS_NAME_MAX) {
      this.add('bad-aws-name', `${what}: an AWS name has 1 to ${AWS_NAME_MAX} characters, not ${value.length}`, node.at, path);
      return undefined;
    }
    this.checkCharacters(value, node.at, path, what);
    return value;
  }

  /** `o-` and 10 to 32 lower-case letters or digits, as AWS Organizations writes it */
  organizationId(node: YamlNode, path: Path, what: string): string | undefined {
    const value = this.string(node, path, what);
    if (value === undefined) return undefined;
    if (!ORGANIZATION_ID.test(value)) {
      this.add('bad-organization-id', `${what}: \`${value}\` is not an AWS organization id: expected \`o-\` and 10 to 32 lower-case letters or digits, such as \`o-a1b2c3d4e5\``, node.at, path);
      return undefined;
    }
    return value;
  }
}

export function readConfigShape(root: YamlNode): { readonly draft: DraftConfig; readonly issues: readonly ConfigIssue[] } {
  const r = new Reader();
  const draft: {
    -readonly [K in keyof DraftConfig]: DraftConfig[K];
  } = {
    name: undefined,
    organizationId: undefined,
    managementAccount: undefined,
    root: undefined,
    guardrails: [],
    resourceGuardrails: [],
    permissionSets: [],
    groups: [],
    assignments: [],
    serviceAccounts: [],
    auditReaders: undefined,
  };
  const top = root.kind === 'scalar' && root.value === null ? undefined : r.map(root, [], CONFIG_FILE, TOP_FIELDS);
  if (top === undefined) {
    if (root.kind === 'scalar' && root.value === null) r.add('missing-field', `${CONFIG_FILE} is empty: it needs at least \`organization\``, root.at, []);
    return { draft, issues: r.issues };
  }
  const organization = r.required(top, 'organization', root.at, [], CONFIG_FILE);
  if (organization !== undefined) {
    const path = ['organization'];
    const fields = r.map(organization.value, path, '`organization`', ORGANIZATION_FIELDS);
    if (fields !== undefined) {
      const name = r.required(fields, 'name', organization.value.at, path, '`organization`');
      if (name !== undefined) draft.name = r.string(name.value, [...path, 'name'], '`organization.name`');
      const id = fields.get('id');
      if (id !== undefined) draft.organizationId = r.organizationId(id.value, [...path, 'id'], '`organization.id`');
      const management = r.required(fields, 'managementAccount', organization.value.at, path, '`organization`');
      if (management !== undefined) draft.managementAccount = r.accountId(management.value, [...path, 'managementAccount'], '`organization.managementAccount`');
      const rootEntry = r.required(fields, 'root', organization.value.at, path, '`organization`');
      if (rootEntry !== undefined) draft.root = readUnit(r, rootEntry.value, [...path, 'root'], []);
    }
  }
  const guardrails = top.get('guardrails');
  if (guardrails !== undefined) draft.guardrails = readGuardrails(r, guardrails.value, ['guardrails'], 'guardrail');
  const resourceGuardrails = top.get('resourceGuardrails');
  if (resourceGuardrails !== undefined) draft.resourceGuardrails = readGuardrails(r, resourceGuardrails.value, ['resourceGuardrails'], 'resource guardrail');
  const permissionSets = top.get('permissionSets');
  if (permissionSets !== undefined) draft.permissionSets = readPermissionSets(r, permissionSets.value);
  const groups = top.get('groups');
  if (groups !== undefined) draft.groups = readGroups(r, groups.value);
  const assignments = top.get('assignments');
  if (assignments !== undefined) draft.assignments = readAssignments(r, assignments.value);
  const serviceAccounts = top.get('serviceAccounts');
  if (serviceAccounts !== undefined) draft.serviceAccounts = readServiceAccounts(r, serviceAccounts.value);
  const audit = top.get('audit');
  if (audit !== undefined) draft.auditReaders = readAuditReaders(r, audit.value);
  const directory = top.get('directory');
  if (directory !== undefined) {
    const fields = r.map(directory.value, ['directory'], '`directory`', DIRECTORY_FIELDS);
    const tags = fields?.get('principalTags');
    if (tags !== undefined) draft.principalTags = readPrincipalTags(r, tags.value);
  }
  return { draft, issues: r.issues };
}

function readUnit(r: Reader, node: YamlNode, path: Path, parentPath: readonly string[]): DraftUnit | undefined {
  const isRoot = path.length === 2;
  const label = isRoot ? 'the root' : `unit ${parentPath.length > 0 ? `in \`${parentPath.join('/')}\`` : 'at the root'}`;
  const fields = r.map(node, path, label, isRoot ? ROOT_FIELDS : UNIT_FIELDS);
  if (fields === undefined) return undefined;
  let name = 'root';
  if (!isRoot) {
    const nameEntry = r.required(fields, 'name', node.at, path, label);
    const ref = nameEntry === undefined ? undefined : r.name(nameEntry.value, [...path, 'name'], `${label}: \`name\``);
    if (ref !== undefined) r.checkCharacters(ref.name, ref.at, [...path, 'name'], `${label}: \`name\``);
    if (ref === undefined) return undefined;
    name = ref.name;
  }
  const unitPath = isRoot ? [] : [...parentPath, name];
  const what = isRoot ? 'the root' : `unit \`${unitPath.join('/')}\``;
  const idEntry = fields.get('id');
  const awsId = idEntry === undefined ? undefined : r.awsId(idEntry.value, [...path, 'id'], `${what}: \`id\``, isRoot ? 'root' : 'unit');
  const awsNameEntry = fields.get('awsName');
  const awsName = awsNameEntry === undefined ? undefined : r.awsName(awsNameEntry.value, [...path, 'awsName'], `${what}: \`awsName\``);
  const guardrailsEntry = fields.get('guardrails');
  const resourceEntry = fields.get('resourceGuardrails');
  const units: DraftUnit[] = [];
  const unitsEntry = fields.get('units');
  if (unitsEntry !== undefined) {
    const list = unitsEntry.value;
    if (list.kind === 'list') {
      list.items.forEach((item, i) => {
        const unit = readUnit(r, item, [...path, 'units', i], unitPath);
        if (unit !== undefined) units.push(unit);
      });
    } else if (!(list.kind === 'scalar' && list.value === null)) {
      r.add('wrong-type', `${what}: \`units\` must be a list, not ${describeYamlNode(list)}`, list.at, [...path, 'units']);
    }
  }
  const accounts: DraftAccount[] = [];
  const accountsEntry = fields.get('accounts');
  if (accountsEntry !== undefined) {
    const list = accountsEntry.value;
    if (list.kind === 'list') {
      list.items.forEach((item, i) => {
        const account = readAccount(r, item, [...path, 'accounts', i], unitPath, what);
        if (account !== undefined) accounts.push(account);
      });
    } else if (!(list.kind === 'scalar' && list.value === null)) {
      r.add('wrong-type', `${what}: \`accounts\` must be a list, not ${describeYamlNode(list)}`, list.at, [...path, 'accounts']);
    }
  }
  return {
    name,
    at: node.at,
    path: formatYamlPath(path),
    unitPath,
    awsId,
    awsName,
    guardrails: guardrailsEntry === undefined ? undefined : r.names(guardrailsEntry.value, [...path, 'guardrails'], `${what}: \`guardrails\``),
    resourceGuardrails: resourceEntry === undefined ? [] : r.names(resourceEntry.value, [...path, 'resourceGuardrails'], `${what}: \`resourceGuardrails\``),
    units,
    accounts,
  };
}

function readAccount(r: Reader, node: YamlNode, path: Path, unitPath: readonly string[], parent: string): DraftAccount | undefined {
  const label = `account in ${parent}`;
  const fields = r.map(node, path, label, ACCOUNT_FIELDS);
  if (fields === undefined) return undefined;
  const nameEntry = r.required(fields, 'name', node.at, path, label);
  const name = nameEntry === undefined ? undefined : r.name(nameEntry.value, [...path, 'name'], `${label}: \`name\``);
  if (name !== undefined) r.checkCharacters(name.name, name.at, [...path, 'name'], `${label}: \`name\``);
  const what = name !== undefined ? `account \`${name.name}\`` : label;
  const idEntry = r.required(fields, 'id', node.at, path, what);
  const id = idEntry === undefined ? undefined : r.accountId(idEntry.value, [...path, 'id'], what);
  const tags: Record<string, string> = {};
  const tagsEntry = fields.get('tags');
  if (tagsEntry !== undefined) {
    const value = tagsEntry.value;
    if (value.kind === 'map') {
      for (const entry of value.entries) {
        if (entry.value.kind !== 'scalar' || entry.value.value === null) {
          r.add('wrong-type', `${what}: tag \`${entry.key}\` must have a value, not ${describeYamlNode(entry.value)}`, entry.value.at, [...path, 'tags', entry.key]);
        } else tags[entry.key] = typeof entry.value.value === 'string' ? entry.value.value : entry.value.text;
      }
    } else if (!(value.kind === 'scalar' && value.value === null)) {
      r.add('wrong-type', `${what}: \`tags\` must be a map, not ${describeYamlNode(value)}`, value.at, [...path, 'tags']);
    }
  }
  const guardrails = fields.get('guardrails');
  const resourceGuardrails = fields.get('resourceGuardrails');
  const awsNameEntry = fields.get('awsName');
  return {
    id,
    name,
    awsName: awsNameEntry === undefined ? undefined : r.awsName(awsNameEntry.value, [...path, 'awsName'], `${what}: \`awsName\``),
    tags,
    unitPath,
    guardrails: guardrails === undefined ? undefined : r.names(guardrails.value, [...path, 'guardrails'], `${what}: \`guardrails\``),
    resourceGuardrails:
      resourceGuardrails === undefined ? undefined : r.names(resourceGuardrails.value, [...path, 'resourceGuardrails'], `${what}: \`resourceGuardrails\``),
    at: node.at,
    path: formatYamlPath(path),
  };
}

/** each guardrail is a file, or (as `parapet aws import` writes it) a map of its file and AWS's id and name */
function readGuardrails(r: Reader, node: YamlNode, path: Path, kind: string): DraftGuardrail[] {
  return r.namedMap(node, path, `\`${path[0]}\``).map((entry) => {
    const at = [...path, entry.key];
    const what = `${kind} \`${entry.key}\``;
    if (entry.value.kind !== 'map') return { name: entry.key, at: entry.keyAt, file: r.file(entry.value, at, what), awsId: undefined, awsName: undefined };
    const fields = r.map(entry.value, at, what, GUARDRAIL_FIELDS);
    const file = fields === undefined ? undefined : r.required(fields, 'file', entry.value.at, at, what);
    const id = fields?.get('id');
    const awsName = fields?.get('awsName');
    return {
      name: entry.key,
      at: entry.keyAt,
      file: file === undefined ? undefined : r.file(file.value, [...at, 'file'], what),
      awsId: id === undefined ? undefined : r.awsId(id.value, [...at, 'id'], `${what}: \`id\``, 'policy'),
      awsName: awsName === undefined ? undefined : r.awsName(awsName.value, [...at, 'awsName'], `${what}: \`awsName\``),
    };
  });
}

function readPermissionSets(r: Reader, node: YamlNode): DraftPermissionSet[] {
  const out: DraftPermissionSet[] = [];
  for (const entry of r.namedMap(node, ['permissionSets'], '`permissionSets`')) {
    const path = ['permissionSets', entry.key];
    const what = `permission set \`${entry.key}\``;
    const fields = r.map(entry.value, path, what, PERMISSION_SET_FIELDS);
    if (fields === undefined) continue;
    const policies = r.required(fields, 'policies', entry.value.at, path, what);
    const boundary = fields.get('boundary');
    const duration = fields.get('sessionDuration');
    let sessionDuration = DEFAULT_SESSION_DURATION;
    let sessionDurationSeconds = MIN_SESSION_SECONDS;
    if (duration !== undefined) {
      const value = duration.value;
      const text = value.kind === 'scalar' && value.value !== null ? (typeof value.value === 'string' ? value.value : value.text) : undefined;
      const parsed = text === undefined ? undefined : parseSessionDuration(text);
      if (text === undefined || parsed === undefined) {
        r.add('bad-session-duration', `${what}: \`sessionDuration\` must be hours and minutes, such as \`8h\`, not ${describeYamlNode(value)}`, value.at, [...path, 'sessionDuration']);
      } else if (!parsed.ok) {
        r.add('bad-session-duration', `${what}: session duration ${issueMessages(parsed.issues)}`, value.at, [...path, 'sessionDuration']);
      } else {
        sessionDuration = text;
        sessionDurationSeconds = parsed.value;
      }
    }
    out.push({
      name: entry.key,
      at: entry.keyAt,
      policies: policies === undefined ? [] : r.files(policies.value, [...path, 'policies'], `${what}: \`policies\``),
      boundary: boundary === undefined ? undefined : r.file(boundary.value, [...path, 'boundary'], `${what}: \`boundary\``),
      sessionDuration,
      sessionDurationSeconds,
    });
  }
  return out;
}

function readGroups(r: Reader, node: YamlNode): DraftGroup[] {
  const out: DraftGroup[] = [];
  for (const entry of r.namedMap(node, ['groups'], '`groups`')) {
    const path = ['groups', entry.key];
    const what = `group \`${entry.key}\``;
    // `payments-devs: {}` or `payments-devs:` — a group whose members come from the directory alone
    if (entry.value.kind === 'scalar' && entry.value.value === null) {
      out.push({ name: entry.key, at: entry.keyAt, members: [] });
      continue;
    }
    const fields = r.map(entry.value, path, what, GROUP_FIELDS);
    if (fields === undefined) continue;
    const members = fields.get('members');
    const list: Ref[] = [];
    if (members !== undefined) {
      const value = members.value;
      if (value.kind === 'list') {
        value.items.forEach((item, i) => {
          const member = r.string(item, [...path, 'members', i], `${what}: member ${i}`);
          if (member === undefined) return;
          if (member.trim() === '' || /\s/.test(member)) {
            r.add('bad-name', `${what}: member \`${member}\` is not a user name: expected an e-mail address such as \`alice@example.com\``, item.at, [...path, 'members', i]);
          } else {
            r.checkCharacters(member, item.at, [...path, 'members', i], `${what}: member ${i}`);
            list.push({ name: member, at: item.at, path: formatYamlPath([...path, 'members', i]) });
          }
        });
      } else if (!(value.kind === 'scalar' && value.value === null)) {
        r.add('wrong-type', `${what}: \`members\` must be a list, not ${describeYamlNode(value)}`, value.at, [...path, 'members']);
      }
    }
    const synced = fields.get('synced');
    const sync = synced === undefined ? undefined : readGroupSync(r, synced, path, what);
    if (synced !== undefined && members !== undefined && !(members.value.kind === 'scalar' && members.value.value === null)) {
      r.add(
        'synced-group-with-members',
        `${what}: a group synced from the directory takes its members from the directory: remove \`members\` (add the users to the directory group instead)`,
        members.keyAt,
        [...path, 'members'],
      );
    }
    out.push({ name: entry.key, at: entry.keyAt, members: sync === undefined ? list : [], ...(sync === undefined ? {} : { synced: sync }) });
  }
  return out;
}

/** `synced: { displayName: NAME }` or `synced: { externalId: ID }`: exactly one, a non-empty string */
function readGroupSync(r: Reader, entry: YamlEntry, groupPath: Path, what: string): GroupSync | undefined {
  const path = [...groupPath, 'synced'];
  const fields = r.map(entry.value, path, `${what}: \`synced\``, GROUP_SYNC_FIELDS);
  if (fields === undefined) return undefined;
  const present = GROUP_SYNC_FIELDS.filter((key) => fields.has(key));
  if (present.length === 0) {
    r.add('missing-field', `${what}: \`synced\` needs \`displayName\` or \`externalId\`: the directory group whose members this group has`, entry.value.at, path);
    return undefined;
  }
  if (present.length > 1) {
    const second = fields.get('externalId')!;
    r.add('bad-group-sync', `${what}: \`synced\` names the directory group by \`displayName\` or by \`externalId\`, not both`, second.keyAt, [...path, 'externalId']);
    return undefined;
  }
  const key = present[0]! as 'displayName' | 'externalId';
  const node = fields.get(key)!.value;
  const value = r.string(node, [...path, key], `${what}: \`synced.${key}\``);
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    r.add('bad-group-sync', `${what}: \`synced.${key}\` is empty: name the directory group`, node.at, [...path, key]);
    return undefined;
  }
  if (value.length > GROUP_SYNC_MAX || hasControlCharacter(value)) {
    r.add('bad-group-sync', `${what}: \`synced.${key}\` ${value.length > GROUP_SYNC_MAX ? `is longer than ${GROUP_SYNC_MAX} characters` : 'has a control character'}: no directory group is named so`, node.at, [...path, key]);
    return undefined;
  }
  r.checkCharacters(value, node.at, [...path, key], `${what}: \`synced.${key}\``);
  return key === 'displayName' ? { displayName: value } : { externalId: value };
}

function readAssignments(r: Reader, node: YamlNode): DraftAssignment[] {
  if (node.kind === 'scalar' && node.value === null) return [];
  if (node.kind !== 'list') {
    r.add('wrong-type', `\`assignments\` must be a list, not ${describeYamlNode(node)}`, node.at, ['assignments']);
    return [];
  }
  const out: DraftAssignment[] = [];
  node.items.forEach((item, index) => {
    const path = ['assignments', index];
    const what = `assignment ${index}`;
    const fields = r.map(item, path, what, ASSIGNMENT_FIELDS);
    if (fields === undefined) return;
    const group = r.required(fields, 'group', item.at, path, what);
    const permissionSet = r.required(fields, 'permissionSet', item.at, path, what);
    const accounts = r.required(fields, 'accounts', item.at, path, what);
    const eligibleEntry = fields.get('eligible');
    let eligible = false;
    if (eligibleEntry !== undefined) {
      const value = eligibleEntry.value;
      if (value.kind === 'scalar' && typeof value.value === 'boolean') eligible = value.value;
      else r.add('wrong-type', `${what}: \`eligible\` must be true or false, not ${describeYamlNode(value)}`, value.at, [...path, 'eligible']);
    }
    out.push({
      index,
      at: item.at,
      path: formatYamlPath(path),
      group: group === undefined ? undefined : r.name(group.value, [...path, 'group'], `${what}: \`group\``),
      permissionSet: permissionSet === undefined ? undefined : r.name(permissionSet.value, [...path, 'permissionSet'], `${what}: \`permissionSet\``),
      accounts: accounts === undefined ? [] : r.names(accounts.value, [...path, 'accounts'], `${what}: \`accounts\``),
      eligible,
    });
  });
  return out;
}

function readServiceAccounts(r: Reader, node: YamlNode): DraftServiceAccount[] {
  const out: DraftServiceAccount[] = [];
  for (const entry of r.namedMap(node, ['serviceAccounts'], '`serviceAccounts`')) {
    const path = ['serviceAccounts', entry.key];
    const what = `service account \`${entry.key}\``;
    const fields = r.map(entry.value, path, what, SERVICE_ACCOUNT_FIELDS);
    if (fields === undefined) continue;
    const permissionSet = r.required(fields, 'permissionSet', entry.value.at, path, what);
    const accounts = r.required(fields, 'accounts', entry.value.at, path, what);
    const github = fields.get('github');
    out.push({
      name: entry.key,
      at: entry.keyAt,
      permissionSet: permissionSet === undefined ? undefined : r.name(permissionSet.value, [...path, 'permissionSet'], `${what}: \`permissionSet\``),
      accounts: accounts === undefined ? [] : r.names(accounts.value, [...path, 'accounts'], `${what}: \`accounts\``),
      github: github === undefined ? undefined : readGitHubTrust(github.value, [...path, 'github'], what, (code, message, at, where, severity) => r.add(code, message, at, where, severity)),
    });
  }
  return out;
}

/** `audit: { readers: { groups: [...], serviceAccounts: [...] } }`: who may read the audit log */
function readAuditReaders(r: Reader, node: YamlNode): DraftAuditReaders | undefined {
  const fields = r.map(node, ['audit'], '`audit`', AUDIT_FIELDS);
  if (fields === undefined) return undefined;
  const readers = fields.get('readers');
  if (readers === undefined) return undefined;
  const path = ['audit', 'readers'];
  const readerFields = r.map(readers.value, path, '`audit.readers`', AUDIT_READER_FIELDS);
  if (readerFields === undefined) return undefined;
  const groups = readerFields.get('groups');
  const serviceAccounts = readerFields.get('serviceAccounts');
  return {
    groups: groups === undefined ? [] : r.names(groups.value, [...path, 'groups'], '`audit.readers.groups`'),
    serviceAccounts: serviceAccounts === undefined ? [] : r.names(serviceAccounts.value, [...path, 'serviceAccounts'], '`audit.readers.serviceAccounts`'),
  };
}

/** a repository-relative path with `/` separators, or why it is not one */
export function normalizeFilePath(path: string): string | { readonly problem: string } {
  if (path === '') return { problem: 'is empty' };
  if (path.includes('\\')) return { problem: 'uses `\\`: write paths with `/`' };
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return { problem: 'is absolute: write it relative to the repository folder' };
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { problem: 'is outside the repository folder' };
      parts.pop();
    } else parts.push(part);
  }
  const normalized = parts.join('/');
  if (!normalized.endsWith('.json')) return { problem: 'is not a `.json` file: policies are JSON documents' };
  return normalized;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * `directory.principalTags`: session tag key → the SCIM attribute it is read from. AWS's limits on
 * session tags ("Passing session tags in AWS STS",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html, and the STS `Tag` type,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_Tag.html): at most 50 tags; a key is 1 to
 * 128 characters of letters, digits, white space and `_ . : / = + - @`; keys are not case
 * sensitive, so `Department` and `department` cannot both be passed. Parapet also refuses keys
 * starting with `aws:`, the prefix AWS keeps for its own keys.
 */
function readPrincipalTags(r: Reader, node: YamlNode): Map<string, string> {
  const path: Path = ['directory', 'principalTags'];
  const out = new Map<string, string>();
  if (node.kind === 'scalar' && node.value === null) return out;
  if (node.kind !== 'map') {
    r.add('wrong-type', `\`directory.principalTags\` must be a map from tag keys to SCIM attributes, not ${describeYamlNode(node)}`, node.at, path);
    return out;
  }
  const seen = new Map<string, string>();
  for (const entry of node.entries) {
    const where = [...path, entry.key];
    const what = `principal tag \`${showHiddenCharacters(entry.key)}\``;
    const problem = principalTagKeyProblem(entry.key);
    if (problem !== undefined) {
      r.add('bad-principal-tag', `${what}: ${problem}`, entry.keyAt, where);
      continue;
    }
    const first = seen.get(entry.key.toLowerCase());
    if (first !== undefined) {
      r.add('bad-principal-tag', `${what}: AWS compares tag keys without case: \`${first}\` is already a key`, entry.keyAt, where);
      continue;
    }
    seen.set(entry.key.toLowerCase(), entry.key);
    const attribute = r.string(entry.value, where, what);
    if (attribute === undefined) continue;
    if (!SCIM_ATTRIBUTE_PATH.test(attribute)) {
      r.add(
        'bad-principal-tag',
        `${what}: \`${showHiddenCharacters(attribute)}\` is not a SCIM attribute path: expected \`title\`, \`name.familyName\` or \`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department\``,
        entry.value.at,
        where,
      );
      continue;
    }
    out.set(entry.key, attribute);
  }
  if (out.size > MAX_PRINCIPAL_TAGS) r.add('bad-principal-tag', `\`directory.principalTags\` has ${out.size} tags: AWS passes at most ${MAX_PRINCIPAL_TAGS} session tags`, node.at, path);
  return out;
}

/** AWS passes at most 50 session tags */
const MAX_PRINCIPAL_TAGS = 50;
/** the STS `Tag` key: 1 to 128 of letters, digits, white space and `_.:/=+-@` */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
/** `[URN:]attribute[.subAttribute]`, as SCIM names attributes (RFC 7644 §3.10) */
const SCIM_ATTRIBUTE_PATH = /^(?:urn:[A-Za-z0-9][A-Za-z0-9.:_-]*:)?[A-Za-z][A-Za-z0-9_$-]*(?:\.[A-Za-z][A-Za-z0-9_$-]*)?$/;

function principalTagKeyProblem(key: string): string | undefined {
  if (key.length === 0 || [...key].length > 128) return 'a session tag key is 1 to 128 characters';
  if (!TAG_KEY.test(key)) return 'a session tag key has only letters, digits, spaces and `_ . : / = + - @`';
  if (key.toLowerCase().startsWith('aws:')) return 'keys starting with `aws:` are AWS\'s own';
  return undefined;
}
