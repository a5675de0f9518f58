/**
 * Service accounts' GitHub Actions trusts taken together. One token must act as at most one
 * service account: when a workflow run could match two of them, which one it became would depend
 * on the order of the file, so two trusts that overlap are an error (`ambiguous-github-trust`).
 * A trust that names only a repository lets any branch, tag or pull request workflow of it act as
 * the service account: a warning (`unrestricted-github-trust`).
 */
import type { ConfigIssue } from './config-issue.ts';
import type { DraftConfig, DraftGitHubTrust, Ref } from './draft-config.ts';
import { CONFIG_FILE } from './read-config-shape.ts';

export function checkGitHubTrusts(draft: DraftConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // a trust with an error is already reported, and its unread fields would look unrestricted
  const trusts = draft.serviceAccounts.flatMap((s) =>
    s.github?.repository === undefined || !s.github.valid ? [] : [{ name: s.name, github: s.github, repository: s.github.repository }],
  );
  trusts.forEach((trust, i) => {
    const { github, repository } = trust;
    for (const earlier of trusts.slice(0, i)) {
      if (!overlap(earlier.github, github)) continue;
      issues.push({
        code: 'ambiguous-github-trust',
        severity: 'error',
        message:
          `service account \`${trust.name}\`: a workflow run of \`${repository.name}\`${describeOverlap(earlier.github, github)} would match both \`${earlier.name}\` (line ${earlier.github.at.line}) and \`${trust.name}\`: ` +
          'a token must act as one service account: give them different `ref`, `environment` or `jobWorkflowRef` values',
        source: CONFIG_FILE,
        line: github.at.line,
        column: github.at.column,
        path: github.path,
      });
    }
    if (github.refs === undefined && github.environments === undefined && github.jobWorkflowRef === undefined) {
      issues.push({
        code: 'unrestricted-github-trust',
        severity: 'warning',
        message: `service account \`${trust.name}\`: any workflow run of \`${repository.name}\`, on any branch, tag or pull request, can act as it: restrict it with \`ref\`, \`environment\` or \`jobWorkflowRef\``,
        source: CONFIG_FILE,
        line: github.at.line,
        column: github.at.column,
        path: github.path,
      });
    }
  });
  return issues;
}

/**
 * Whether one token could match both trusts: the same repository (GitHub's names are
 * case-insensitive, so `Acme/Infra` is `acme/infra`), and for each restriction, either one side
 * does not restrict or both accept a common value. Audiences are left out: a token may carry
 * several, and the default audience is not known here.
 */
function overlap(a: DraftGitHubTrust, b: DraftGitHubTrust): boolean {
  if (a.repository === undefined || b.repository === undefined) return false;
  if (a.repository.name.toLowerCase() !== b.repository.name.toLowerCase()) return false;
  return sharesValue(a.refs, b.refs) && sharesValue(a.environments, b.environments) && sharesValue(one(a.jobWorkflowRef), one(b.jobWorkflowRef));
}

const one = (ref: Ref | undefined) => (ref === undefined ? undefined : [ref]);

function sharesValue(a: readonly Ref[] | undefined, b: readonly Ref[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((x) => b.some((y) => x.name === y.name));
}

/** ` on \`refs/heads/main\` in environment \`production\``: what the two trusts have in common */
function describeOverlap(a: DraftGitHubTrust, b: DraftGitHubTrust): string {
  const common = (x: readonly Ref[] | undefined, y: readonly Ref[] | undefined) => {
    const values = x === undefined ? y : y === undefined ? x : x.filter((v) => y.some((w) => w.name === v.name));
    return values?.[0]?.name;
  };
  const ref = common(a.refs, b.refs);
  const environment = common(a.environments, b.environments);
  return `${ref === undefined ? ' on any ref' : ` on \`${ref}\``}${environment === undefined ? '' : ` in environment \`${environment}\``}`;
}
