/**
 * `npm run bench -- preflight-scale [--write] [--quick]`: the preflight of a generated
 * 5,000-resource plan (bench/generate-terraform-plan.ts) against the shared fixtures' organization,
 * in one process on one thread: parse, build the requests, decide them, the rules, and every output.
 * Target (issue #11): <= 5 s. With `--write`, puts the results in bench/RESULTS.md under their own heading.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePolicy, type PolicyType } from '../src/policy/index.ts';
import { runPreflight } from '../src/iac/preflight.ts';
import { preflightJson, renderPreflightMarkdown, renderPreflightText } from '../src/iac/render-preflight.ts';
import { preflightSarif } from '../src/iac/render-preflight-sarif.ts';
import { describeMachine } from './describe-machine.ts';
import { generateTerraformPlan } from './generate-terraform-plan.ts';

const START = '<!-- preflight-scale: written by `npm run bench -- preflight-scale --write` -->';
const END = '<!-- /preflight-scale -->';
const SIZE = 5000;
const TARGET_MS = 5000;
const args = process.argv.slice(2);
const runs = args.includes('--quick') ? 1 : 5;

const policies = join(import.meta.dirname, '../test/fixtures/terraform/policies');
const policy = (file: string, type: PolicyType) => {
  const parsed = parsePolicy(readFileSync(join(policies, file), 'utf8'), { type, name: file.replace(/\.json$/, '') });
  if (!parsed.ok) throw new Error(`${file} does not parse`);
  return parsed.value;
};
const input = {
  identity: [policy('deployer-identity-policy.json', 'identity')],
  scps: [
    [policy('scp-full-aws-access.json', 'scp')],
    ['scp-full-aws-access', 'scp-deny-outside-allowed-regions', 'scp-protect-audit', 'scp-deny-iam-users'].map((n) => policy(`${n}.json`, 'scp')),
    [policy('scp-full-aws-access.json', 'scp'), policy('scp-require-team-tag.json', 'scp')],
  ],
  rcps: [],
};

const text = generateTerraformPlan(SIZE);
const timings: { total: number; preflight: number; outputs: number }[] = [];
let requests = 0;
let summary = '';
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  const result = runPreflight(text, { account: '111111111111', policies: input, deployer: { principal: 'arn:aws:sts::111111111111:assumed-role/deployer/github-actions', roleArn: 'arn:aws:iam::111111111111:role/deployer' }, requiredTags: ['team'] });
  if (!result.ok) throw new Error('the generated plan does not parse');
  const decided = performance.now();
  const report = result.value;
  const characters = [renderPreflightText(report), renderPreflightMarkdown(report), preflightJson(report), preflightSarif(report)].reduce((n, s) => n + s.length, 0);
  const end = performance.now();
  timings.push({ total: end - start, preflight: decided - start, outputs: end - decided });
  requests = report.changes.reduce((n, c) => n + c.requests.length, 0);
  const s = report.summary;
  summary = `${s.changes} changes, ${requests} requests, ${s.denied} denied, ${s.unknown} undecidable, ${s.unmapped} unmapped, ${s.findings} findings; outputs ${characters.toLocaleString('en-US')} characters`;
}
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const total = median(timings.map((t) => t.total));
const machine = describeMachine();
const section = [
  START,
  '## Terraform preflight at scale',
  '',
  `Written on ${new Date().toISOString().slice(0, 10)}. Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${machine.loadAverage.toFixed(2)} at the start. ` +
    `One process, one thread; ${runs} run${runs === 1 ? '' : 's'}, the median counts.`,
  '',
  `The plan (bench/generate-terraform-plan.ts): the seven fixture plans' changes copied under new names to ${SIZE.toLocaleString('en-US')} resource changes ` +
    `(${(text.length / 1e6).toFixed(1)} MB of JSON); the fixtures' organization (3 SCP levels, the deployer's policy). ${summary}.`,
  '',
  '| step | median | target |',
  '|:--|--:|:--|',
  `| parse, requests, decisions, rules | ${seconds(median(timings.map((t) => t.preflight)))} | |`,
  `| text, markdown, JSON and SARIF outputs | ${seconds(median(timings.map((t) => t.outputs)))} | |`,
  `| total | ${seconds(total)} | ≤ ${seconds(TARGET_MS)}: ${total <= TARGET_MS ? 'met' : '**missed**'} |`,
  END,
].join('\n');
process.stdout.write(`\n${section}\n`);
if (args.includes('--write')) {
  if (runs === 1) process.stderr.write('bench:preflight: not writing RESULTS.md from a --quick run\n');
  else {
    const file = join(import.meta.dirname, 'RESULTS.md');
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
    const start = current.indexOf(START);
    const end = current.indexOf(END);
    writeFileSync(file, start !== -1 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}` : `${current.trimEnd()}\n\n${section}\n`);
    process.stderr.write('bench:preflight: wrote bench/RESULTS.md\n');
  }
}
if (total > TARGET_MS) process.exitCode = 1;
