/**
 * `npm run bench [-- --write] [-- --quick] [-- --no-pin] [-- small org large org-scale http-authorize preflight-scale scim audit-search audit-log]`
 *
 * Every benchmark: the engine scenarios (bench/run.ts), the organization-scale benchmark
 * (bench/org-scale.ts), the decision API over HTTP (bench/http-authorize.ts) and the Terraform
 * preflight of a 5,000-resource plan (bench/preflight-scale.ts), SCIM on 100,000 users (bench/scim.ts),
 * the audit log search on 10 million events (bench/audit-search.ts; 1 million with --quick) and the
 * audit log's appends, verification and proofs (bench/audit-log.ts), each in its own
 * process with the options given. Scenario names choose: `org-scale` the organization benchmark,
 * `http-authorize` the HTTP one, the others the engine's; none, everything. The engine runs first,
 * as its `--write` rewrites bench/RESULTS.md (keeping the other sections), and the others then put
 * their own sections back in.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('--'));
const names = args.filter((a) => !a.startsWith('--'));
const engineNames = names.filter((n) => n !== 'org-scale' && n !== 'http-authorize' && n !== 'preflight-scale' && n !== 'scim' && n !== 'audit-search' && n !== 'audit-log');
const runEngine = names.length === 0 || engineNames.length > 0;
const runOrgScale = names.length === 0 || names.includes('org-scale');
const runHttpAuthorize = names.length === 0 || names.includes('http-authorize');
const runPreflightScale = names.length === 0 || names.includes('preflight-scale');
const runScim = names.length === 0 || names.includes('scim');
const runAuditSearch = names.length === 0 || names.includes('audit-search');
const runAuditLog = names.length === 0 || names.includes('audit-log');

let status = 0;
const run = (script: string, scriptArgs: readonly string[]) => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, script), ...scriptArgs], { stdio: 'inherit' });
  if (child.status !== 0) status = child.status ?? 1;
};
if (runEngine) run('run.ts', [...options, ...engineNames]);
if (runOrgScale) run('org-scale.ts', options);
if (runHttpAuthorize) run('http-authorize.ts', options);
if (runPreflightScale) run('preflight-scale.ts', options.filter((o) => o !== '--no-pin'));
if (runScim) run('scim.ts', options.filter((o) => o !== '--no-pin'));
if (runAuditSearch) run('audit-search.ts', options.filter((o) => o !== '--no-pin'));
if (runAuditLog) run('audit-log.ts', options.filter((o) => o !== '--no-pin'));
process.exitCode = status;
