/**
 * Reads a service account's `github` entry: which GitHub Actions workflow runs may act as it, by
 * the claims of the run's OIDC token (docs/service-accounts.md). Values are matched exactly, so a
 * value that could never equal a claim GitHub issues (`main` for `refs/heads/main`, a URL for
 * `owner/name`, a `*`) is an error here rather than a trust that silently matches nothing.
 */
import type { ConfigIssue, ConfigIssueCode, Position } from './config-issue.ts';
import { describeSuspiciousCharacters, showHiddenCharacters } from './check-name-characters.ts';
import { describeYamlNode } from './describe-yaml-node.ts';
import type { DraftGitHubTrust, Ref } from './draft-config.ts';
import { readYamlMap } from './read-yaml-map.ts';
import { formatYamlPath, type YamlNode, type YamlPathSegment } from './read-yaml-tree.ts';

type Path = readonly YamlPathSegment[];
export type Report = (code: ConfigIssueCode, message: string, at: Position, path: Path, severity?: ConfigIssue['severity']) => void;

export const GITHUB_TRUST_FIELDS = ['repository', 'ref', 'environment', 'jobWorkflowRef', 'audience'] as const;

/**
 * GitHub's rules for names: an owner (user or organization) is 1 to 39 letters, digits or single
 * inner hyphens; a repository is 1 to 100 letters, digits, `.`, `-` or `_`, and not `.` or `..`
 */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPOSITORY_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** GitHub limits environment names to 255 characters */
const MAX_ENVIRONMENT = 255;
const WILDCARD = 'wildcards are not supported: every value is matched exactly';

export function isRepositoryName(value: string): boolean {
  const [owner, name, ...rest] = value.split('/');
  return rest.length === 0 && owner !== undefined && name !== undefined && OWNER.test(owner) && REPOSITORY_NAME.test(name) && name !== '.' && name !== '..';
}

export function readGitHubTrust(node: YamlNode, path: Path, what: string, reportTo: Report): DraftGitHubTrust | undefined {
  const label = `${what}: \`github\``;
  let errors = 0;
  const report: Report = (code, message, at, where, severity = 'error') => {
    if (severity === 'error') errors += 1;
    reportTo(code, message, at, where, severity);
  };
  const fields = readYamlMap(node, path, label, GITHUB_TRUST_FIELDS, report);
  if (fields === undefined) return undefined;
  const repositoryEntry = fields.get('repository');
  if (repositoryEntry === undefined) report('missing-field', `${label}: missing \`repository\``, node.at, path);
  const refEntry = fields.get('ref');
  const environmentEntry = fields.get('environment');
  const workflowEntry = fields.get('jobWorkflowRef');
  const audienceEntry = fields.get('audience');
  const trust = {
    at: node.at,
    path: formatYamlPath(path),
    repository: repositoryEntry === undefined ? undefined : readValue(repositoryEntry.value, [...path, 'repository'], `${label}: \`repository\``, report, checkRepository),
    refs: refEntry === undefined ? undefined : readValues(refEntry.value, [...path, 'ref'], `${label}: \`ref\``, report, checkRef),
    environments: environmentEntry === undefined ? undefined : readValues(environmentEntry.value, [...path, 'environment'], `${label}: \`environment\``, report, checkEnvironment),
    jobWorkflowRef: workflowEntry === undefined ? undefined : readValue(workflowEntry.value, [...path, 'jobWorkflowRef'], `${label}: \`jobWorkflowRef\``, report, checkJobWorkflowRef),
    audience: audienceEntry === undefined ? undefined : readValue(audienceEntry.value, [...path, 'audience'], `${label}: \`audience\``, report, checkAudience),
  };
  return { ...trust, valid: errors === 0 };
}

/** what is wrong with a value, as an issue code and the end of a message; undefined when it is valid */
type Check = (value: string) => readonly [ConfigIssueCode, string] | undefined;

function readValue(node: YamlNode, path: Path, what: string, report: Report, check: Check): Ref | undefined {
  if (node.kind !== 'scalar' || typeof node.value !== 'string') {
    report('wrong-type', `${what} must be a string, not ${describeYamlNode(node)}`, node.at, path);
    return undefined;
  }
  const problem = check(node.value);
  if (problem !== undefined) {
    report(problem[0], `${what}: \`${showHiddenCharacters(node.value)}\` ${problem[1]}`, node.at, path);
    return undefined;
  }
  const suspicious = describeSuspiciousCharacters(node.value);
  if (suspicious !== undefined) report('suspicious-name', `${what}: \`${showHiddenCharacters(node.value)}\` ${suspicious}`, node.at, path, 'warning');
  return { name: node.value, at: node.at, path: formatYamlPath(path) };
}

/** one value or a list of them; undefined when any of them is invalid (reported), so nothing half-read is trusted */
function readValues(node: YamlNode, path: Path, what: string, report: Report, check: Check): Ref[] | undefined {
  if (node.kind !== 'list') {
    const one = readValue(node, path, what, report, check);
    return one === undefined ? undefined : [one];
  }
  if (node.items.length === 0) {
    report('wrong-type', `${what} is an empty list, which no workflow run matches: list at least one value, or leave the field out to accept any`, node.at, path);
    return undefined;
  }
  const out: Ref[] = [];
  let valid = true;
  const seen = new Set<string>();
  node.items.forEach((item, i) => {
    const ref = readValue(item, [...path, i], `${what} item ${i}`, report, check);
    if (ref === undefined) {
      valid = false;
      return;
    }
    if (seen.has(ref.name)) report('duplicate-entry', `${what}: \`${ref.name}\` is listed twice`, item.at, [...path, i], 'warning');
    seen.add(ref.name);
    out.push(ref);
  });
  return valid ? out : undefined;
}

const hasSpace = (value: string) => /[\s\p{Cc}]/u.test(value);

const checkRepository: Check = (value) => {
  if (value.includes('*')) return ['bad-github-repository', `is not a repository: ${WILDCARD}: name one repository as \`owner/name\``];
  const url = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(value);
  if (url?.[1] !== undefined && isRepositoryName(url[1])) return ['bad-github-repository', `is a URL: write the repository as \`${url[1]}\``];
  if (!isRepositoryName(value)) {
    return ['bad-github-repository', 'is not a GitHub repository: expected `owner/name`, such as `acme/infra` (an owner is letters, digits and inner hyphens; a name is letters, digits, `.`, `-` and `_`)'];
  }
  return undefined;
};

const checkRef: Check = (value) => {
  if (value.includes('*')) return ['bad-github-ref', `is not a git ref: ${WILDCARD}: list each ref, such as \`refs/heads/main\``];
  if (hasSpace(value) || value === '') return ['bad-github-ref', 'is not a git ref: it has no spaces or control characters'];
  if (!value.startsWith('refs/')) {
    const hint = value.startsWith('heads/') || value.startsWith('tags/') ? `refs/${value}` : `refs/heads/${value}`;
    return ['bad-github-ref', `is not a full git ref, which the token's \`ref\` claim always is: write \`${hint}\` for a branch, \`refs/tags/...\` for a tag`];
  }
  if (value.endsWith('/') || value.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    return ['bad-github-ref', 'is not a git ref: expected `refs/` and a path of non-empty parts, such as `refs/heads/main`'];
  }
  return undefined;
};

const checkEnvironment: Check = (value) => {
  if (value.includes('*')) return ['bad-github-environment', `is not an environment name: ${WILDCARD}: list each environment`];
  if (value.trim() === '' || /\p{Cc}/u.test(value)) return ['bad-github-environment', 'is not an environment name: it is empty or has control characters'];
  if (value.length > MAX_ENVIRONMENT) return ['bad-github-environment', `is not an environment name: GitHub allows at most ${MAX_ENVIRONMENT} characters`];
  return undefined;
};

const checkJobWorkflowRef: Check = (value) => {
  if (value.includes('*')) return ['bad-github-workflow-ref', `is not a workflow ref: ${WILDCARD}`];
  const at = value.lastIndexOf('@');
  const file = at === -1 ? value : value.slice(0, at);
  const ref = at === -1 ? '' : value.slice(at + 1);
  const parts = file.split('/');
  const repository = parts.slice(0, 2).join('/');
  const workflow = parts.slice(2).join('/');
  if (hasSpace(value) || ref === '' || !isRepositoryName(repository) || !/^\.github\/workflows\/[^/]+\.ya?ml$/.test(workflow)) {
    return ['bad-github-workflow-ref', 'is not a workflow ref: expected `owner/name/.github/workflows/FILE.yml@REF`, such as `acme/infra/.github/workflows/apply.yml@refs/heads/main`'];
  }
  return undefined;
};

const checkAudience: Check = (value) => {
  if (value.includes('*')) return ['bad-audience', `is not an audience: ${WILDCARD}`];
  if (value === '' || hasSpace(value)) return ['bad-audience', 'is not an audience: expected a non-empty string without spaces, such as the server\'s URL'];
  return undefined;
};
