/**
 * `node --import tsx bench/who-can-scale.ts [GROUPS...]`
 *
 * who-can over a generated organization (bench/generate-org-config.ts, the issue-3 size) with
 * more and more groups (default 1,000, 3,000 and 10,000): the time of one `whoCan` question over
 * every principal, in process, after the configuration is parsed. Doubling the groups should about
 * double the time (issue 6: it grew with the square of the groups before grants were indexed and
 * the policies compiled once per (account, permission set)).
 */
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../src/catalog/load-catalog.ts';
import { whoCan } from '../src/analysis/who-can.ts';
import { parseConfig } from '../src/org/index.ts';
import { generateOrgConfig, ISSUE_SIZE } from './generate-org-config.ts';

const catalog = loadCatalog();
const sizes = process.argv.slice(2).map(Number);
for (const groups of sizes.length > 0 ? sizes : [1000, 3000, 10000]) {
  const parsed = parseConfig(generateOrgConfig(catalog, 'before', 20260927, { ...ISSUE_SIZE, groups }));
  if (!parsed.ok) throw new Error('the generated organization is invalid');
  const start = performance.now();
  const result = whoCan(parsed.value, { action: 's3:GetObject', resource: '*' }, { rcpServices: catalog.rcpSupportedServices() });
  const ms = performance.now() - start;
  if (!result.ok) throw new Error('who-can failed');
  process.stdout.write(`${groups} groups: ${result.value.checked} (principal, account, permission set) checked, ${result.value.entries.length} listed, ${Math.round(ms)} ms\n`);
}
