/**
 * `npm run bench [-- --write] [-- --quick] [-- --no-pin] [-- small org large org-scale]`
 *
 * Every benchmark: the engine scenarios (bench/run.ts) and the organization-scale benchmark
 * (bench/org-scale.ts), each in its own process with the options given. Scenario names choose:
 * `org-scale` the organization benchmark, the others the engine's; none, everything. The engine
 * runs first, as its `--write` rewrites bench/RESULTS.md, and the organization benchmark then puts
 * its own section back in.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('--'));
const names = args.filter((a) => !a.startsWith('--'));
const engineNames = names.filter((n) => n !== 'org-scale');
const runEngine = names.length === 0 || engineNames.length > 0;
const runOrgScale = names.length === 0 || names.includes('org-scale');

let status = 0;
const run = (script: string, scriptArgs: readonly string[]) => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, script), ...scriptArgs], { stdio: 'inherit' });
  if (child.status !== 0) status = child.status ?? 1;
};
if (runEngine) run('run.ts', [...options, ...engineNames]);
if (runOrgScale) run('org-scale.ts', options);
process.exitCode = status;
