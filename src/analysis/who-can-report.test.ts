import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { loadConfigDir } from '../org/index.ts';
import { renderWhoCanText, WHO_CAN_FORMAT, whoCanReportJson, type WhoCanReport } from './who-can-report.ts';
import { whoCan } from './who-can.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const parsed = loadConfigDir(FIXTURE);
assert.ok(parsed.ok);
const config = parsed.value;
const rcpServices = loadCatalog().rcpSupportedServices();

function report(action: string, resource: string, context = {}): WhoCanReport {
  const result = whoCan(config, { action, resource, context }, { rcpServices });
  assert.ok(result.ok);
  return { action, resource, context, result: result.value };
}

const reports = [
  // conditional entries, users through groups
  report('sqs:DeleteQueue', 'arn:aws:sqs:eu-west-1:222222222222:jobs'),
  // the same with the context given: allowed entries
  report('sqs:DeleteQueue', 'arn:aws:sqs:eu-west-1:222222222222:jobs', { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' }),
  // nobody: prod denies queue deletion, and dev's principals have no resource policy to reach prod
  report('sqs:DeleteQueue', 'arn:aws:sqs:eu-west-1:111111111111:jobs'),
];

test('the JSON form survives a round trip and has the documented fields', () => {
  for (const r of reports) {
    const json = whoCanReportJson(r);
    const back = JSON.parse(JSON.stringify(json)) as typeof json;
    assert.deepEqual(back, json);
    assert.equal(back.format, WHO_CAN_FORMAT);
    for (const field of ['action', 'resource', 'context', 'checked', 'entries', 'incomplete', 'undecided']) assert.ok(field in back, field);
    assert.equal(back.entries.length, r.result.entries.length);
    for (const entry of back.entries) {
      assert.deepEqual(Object.keys(entry), ['principal', 'account', 'accountId', 'permissionSet', 'via', 'groups', 'status', 'conditionKeys', 'example', 'relations']);
      assert.match(entry.principal, /^(group|user|service):/);
    }
  }
  assert.ok(reports[0]!.result.entries.some((e) => e.status === 'conditional'));
  assert.ok(reports[1]!.result.entries.some((e) => e.status === 'allowed'));
  assert.equal(reports[2]!.result.entries.length, 0);
});

test('the text says the facts of the JSON: every principal, account, permission set, status and condition key, the counts', () => {
  for (const r of reports) {
    const json = whoCanReportJson(r);
    const text = renderWhoCanText(r);
    assert.ok(text.includes(`\`${json.action}\` on \`${json.resource}\``));
    for (const entry of json.entries) {
      assert.ok(text.includes(`\n${entry.principal}`), entry.principal);
      const line = text.split('\n').find((l) => l.trimStart().startsWith(`${entry.permissionSet} in ${entry.account}${entry.via === 'eligible' ? ' (eligible)' : ''} `));
      assert.ok(line !== undefined, `${entry.principal} ${entry.permissionSet} ${entry.account}`);
      assert.ok(line.includes(entry.status), line);
      for (const key of entry.conditionKeys) assert.ok(line.includes(`\`${key}\``), key);
      for (const group of entry.principal.startsWith('user:') ? entry.groups : []) assert.ok(text.includes(`group:${group}`));
    }
    if (json.entries.length === 0) assert.match(text, /\n {2}nobody\n/);
    const allowed = json.entries.filter((e) => e.status === 'allowed').length;
    assert.ok(text.includes(`${json.entries.length} of ${json.checked} (principal, account, permission set) checked: ${allowed} allowed, ${json.entries.length - allowed} conditional`));
  }
});
