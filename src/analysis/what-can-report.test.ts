import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { loadConfigDir, type PrincipalRef } from '../org/index.ts';
import { renderWhatCanText, WHAT_CAN_FORMAT, whatCanReport, whatCanReportJson } from './what-can-report.ts';
import { whatCan } from './what-can.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const parsed = loadConfigDir(FIXTURE);
assert.ok(parsed.ok);
const config = parsed.value;
const catalog = loadCatalog();
const rcpServices = catalog.rcpSupportedServices();

function report(principal: PrincipalRef, services: string[] = []) {
  const result = whatCan(config, catalog, { principal }, { rcpServices });
  assert.ok(result.ok);
  return whatCanReport({ principal, context: {}, services, listActions: true }, result.value);
}

const reports = [report({ kind: 'group', name: 'readers' }), report({ kind: 'group', name: 'ops' }, ['SQS']), report({ kind: 'user', name: 'rita@example.com' }), report({ kind: 'serviceAccount', name: 'ci' })];

test('the services asked for narrow each permission set, and its counts follow', () => {
  const all = report({ kind: 'group', name: 'ops' });
  const sqs = report({ kind: 'group', name: 'ops' }, ['SQS']);
  assert.deepEqual(sqs.services, ['sqs']);
  assert.ok(all.result.access.some((a) => a.services.some((s) => s.service !== 'sqs')), 'ops holds more than sqs');
  for (const a of sqs.result.access) {
    assert.deepEqual(a.services.map((s) => s.service), a.services.length === 0 ? [] : ['sqs']);
    assert.equal(a.granted, a.services.reduce((n, s) => n + s.granted.length, 0));
    assert.equal(a.conditional, a.services.reduce((n, s) => n + s.conditional, 0));
  }
});

test('the JSON form survives a round trip and has the documented fields', () => {
  for (const r of reports) {
    const json = whatCanReportJson(r);
    const back = JSON.parse(JSON.stringify(json)) as typeof json;
    assert.deepEqual(back, json);
    assert.equal(back.format, WHAT_CAN_FORMAT);
    assert.match(back.principal, /^(group|user|service):/);
    for (const a of back.access) {
      assert.deepEqual(Object.keys(a), ['account', 'accountId', 'permissionSet', 'via', 'groups', 'granted', 'conditional', 'decided', 'incomplete', 'undecided', 'services']);
      for (const s of a.services) for (const g of s.granted) assert.deepEqual(Object.keys(g).sort(), ['accessLevel', 'action', 'conditionKeys', 'deniedResources', 'example', 'relations', 'resources', 'status']);
    }
  }
});

test('the text says the facts of the JSON: every permission set, account, service, action and count', () => {
  for (const r of reports) {
    const json = whatCanReportJson(r);
    const text = renderWhatCanText(r);
    // the action lines, by their `    action (access level)` head: read once, not once per action
    const actionLines = new Map<string, string[]>();
    for (const l of text.split('\n')) {
      const head = /^ {4}(\S+ \([^)]+\))/.exec(l)?.[1];
      if (head !== undefined) actionLines.set(head, [...(actionLines.get(head) ?? []), l]);
    }
    assert.ok(json.access.length > 0);
    for (const a of json.access) {
      const head = `${json.principal} with \`${a.permissionSet}\` in \`${a.account}\``;
      assert.ok(text.includes(head), head);
      assert.ok(text.includes(`${a.granted} action`) && text.includes(`${a.conditional} conditional`));
      for (const s of a.services) {
        assert.ok(text.includes(`(${s.serviceName})`), s.service);
        for (const g of s.granted) {
          const lines = actionLines.get(`${g.action} (${g.accessLevel})`) ?? [];
          assert.ok(lines.length > 0, g.action);
          if (g.status === 'conditional') for (const key of g.conditionKeys) assert.ok(lines.some((line) => line.includes(`\`${key}\``)), key);
        }
      }
    }
  }
});
