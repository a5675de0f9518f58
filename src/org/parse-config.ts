/**
 * Validate a configuration repository and build its organization model. Pure: the files are
 * given as texts (see read-config-dir.ts). Every mistake is reported at once, located in its file;
 * the model is returned only when there is no error.
 *
 *   read parapet.yaml → read its shape → parse the policy files → check names → check the tree →
 *   check the SCP chains → check the service accounts' GitHub trusts → build the model
 */
import type { ConfigIssue } from './config-issue.ts';
import { buildOrgConfig } from './build-org-config.ts';
import { checkAccounts } from './check-accounts.ts';
import { checkGitHubTrusts } from './check-github-trusts.ts';
import { checkGuardrailChains } from './check-guardrail-chains.ts';
import { checkReferences } from './check-references.ts';
import { loadPolicyFiles } from './load-policy-files.ts';
import type { OrgConfig } from './org-config.ts';
import { CONFIG_FILE, readConfigShape } from './read-config-shape.ts';
import { readYamlTree } from './read-yaml-tree.ts';
import { capIssuesPerFile, hasErrors, type LocatedResult } from '../policy/index.ts';
import { internalError } from '../policy/index.ts';

/** file texts by path relative to the repository folder, `/`-separated: `parapet.yaml` and the policy files */
export type ConfigFiles = ReadonlyMap<string, string>;

export interface ParseConfigOptions {
  /** warns about unknown actions in policies (the catalog's `unknownActionChecker`) */
  readonly checkAction?: ((action: string) => string | undefined) | undefined;
  /**
   * a level of the tree without any Allow (`no-allow-at-level`) is a warning instead of an error:
   * only for `parapet aws plan|apply --force --reason`, which applies such a lock-out on purpose
   */
  readonly allowLockOut?: boolean | undefined;
}

/** a `Result` whose every issue is located in a file of the repository */
export type ParsedConfig = LocatedResult<OrgConfig>;

export function parseConfig(files: ConfigFiles, options: ParseConfigOptions = {}): ParsedConfig {
  const text = files.get(CONFIG_FILE);
  if (text === undefined) {
    return {
      ok: false,
      issues: [{ code: 'missing-config', severity: 'error', message: `no \`${CONFIG_FILE}\` in the repository folder`, source: CONFIG_FILE, line: 1, column: 1, path: '$' }],
    };
  }
  const yaml = readYamlTree(text, CONFIG_FILE);
  if (yaml.root === undefined) return { ok: false, issues: capConfigIssues(sortIssues(yaml.issues)) };
  const shape = readConfigShape(yaml.root);
  const policies = loadPolicyFiles(shape.draft, files, { checkAction: options.checkAction });
  const issues = [
    ...yaml.issues,
    ...shape.issues,
    ...policies.issues,
    ...checkReferences(shape.draft),
    ...checkAccounts(shape.draft),
    ...checkGuardrailChains(shape.draft, policies.guardrails).map((issue) => (options.allowLockOut === true && issue.code === 'no-allow-at-level' ? { ...issue, severity: 'warning' as const } : issue)),
    ...checkGitHubTrusts(shape.draft),
  ];
  const sorted = capConfigIssues(sortIssues(issues));
  if (hasErrors(sorted)) return { ok: false, issues: sorted };
  const value = buildOrgConfig(shape.draft, policies);
  // without an error every required field was read, so the model exists
  if (value === undefined) throw internalError('parseConfig: no error was reported but the configuration is incomplete');
  return { ok: true, value, issues: sorted };
}

/** `parapet.yaml` first, then the policy files by name; by position within a file */
function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const rank = (source: string) => (source === CONFIG_FILE ? 0 : 1);
  return [...issues].sort(
    (a, b) =>
      rank(a.source) - rank(b.source) ||
      (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column,
  );
}

/** at most so many issues per file, then one saying how many more (see capIssuesPerFile) */
function capConfigIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return capIssuesPerFile(issues, (first, message, severity) => ({ ...first, code: 'too-many-issues', severity, message }));
}
