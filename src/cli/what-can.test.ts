import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { runCli } from './run-cli.test-support.ts';

const SMALL = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const ACME = fileURLToPath(new URL('../../examples/acme', import.meta.url));

describe('parapet what-can', () => {
  test('per permission set and account, a line per service with counts and conditions', async () => {
    const { code, out } = await runCli('what-can', SMALL, '--principal', 'service:ci');
    assert.equal(code, 0);
    assert.equal(
      out,
      [
        'service:ci with `operator` in `prod`: 3 actions in 2 services, 3 conditional',
        `  iam  1 of ${loadCatalog().actionsOf('iam').length} actions, all conditional on \`iam:PassedToService\` (AWS Identity and Access Management (IAM))`,
        `  sqs  2 of ${loadCatalog().actionsOf('sqs').length} actions, all conditional on \`aws:RequestedRegion\`, \`aws:SecureTransport\` (Amazon SQS)`,
        '',
      ].join('\n'),
    );
  });

  test('--actions lists each action with its access level, resources and conditions', async () => {
    const { out } = await runCli('what-can', SMALL, '--principal', 'service:ci', '--actions', '--service', 'iam');
    assert.match(
      out,
      /^ {4}iam:PassRole \(Write\) on `arn:aws:iam::\*:role\/app-\*` {2}conditional on `iam:PassedToService` \(e\.g\. iam:PassedToService=lambda\.amazonaws\.com\)$/m,
    );
    assert.doesNotMatch(out, /sqs/);
  });

  test('--json: every granted action', async () => {
    const { code, out } = await runCli('what-can', SMALL, '--principal', 'group:readers', '--account', 'dev', '--context', 'aws:RequestedRegion=eu-west-1', '--context', 'aws:SecureTransport=true', '--json');
    assert.equal(code, 0);
    const report = JSON.parse(out) as { format: string; principal: string; access: { permissionSet: string; conditional: number; services: { service: string; granted: { action: string; status: string }[] }[] }[] };
    assert.equal(report.format, 'parapet-what-can/1');
    assert.equal(report.principal, 'group:readers');
    assert.equal(report.access.length, 1);
    assert.equal(report.access[0]?.conditional, 0);
    assert.ok(report.access[0]?.services.find((s) => s.service === 'sqs')?.granted.some((g) => g.action === 'sqs:GetQueueUrl' && g.status === 'allowed'));
  });

  test('invalid input: exit 2', async () => {
    const bad = await runCli('what-can', SMALL, '--principal', 'ops');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--principal: `ops` is not a principal: write `group:NAME`, `user:EMAIL` or `service:NAME`/);
    const unknown = await runCli('what-can', SMALL, '--principal', 'group:opss');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown group `opss`: did you mean `ops`/);
    const service = await runCli('what-can', SMALL, '--principal', 'group:ops', '--service', 'sqss');
    assert.equal(service.code, 2);
  });

  test('a --context value that does not read as its key\'s type: exit 2 naming the key and the value, nothing decided', async () => {
    for (const [pair, why] of [
      ['aws:SecureTransport=yes', /--context: context key `aws:SecureTransport`: `yes` is not a boolean: expected `true` or `false`/],
      ['aws:SourceIp=999.1.1.1', /--context: context key `aws:SourceIp`: `999\.1\.1\.1` is not an IP address/],
      ['aws:TokenIssueTime=yesterday', /--context: context key `aws:TokenIssueTime`: `yesterday` is not a date/],
    ] as const) {
      const { code, out, err } = await runCli('what-can', SMALL, '--principal', 'group:ops', '--context', pair);
      assert.equal(code, 2, pair);
      assert.equal(out, '');
      assert.match(err, why);
    }
  });

  test('administrators of the acme example: every catalog action decided, the guardrails\' denials left out', async () => {
    const { code, out } = await runCli('what-can', ACME, '--principal', 'group:platform-admins', '--account', 'network', '--json');
    assert.equal(code, 0);
    const report = JSON.parse(out) as { access: { permissionSet: string; decided: number; granted: number }[] };
    const total = loadCatalog()
      .services()
      .reduce((n, s) => n + loadCatalog().actionsOf(s).length, 0);
    // deny-leave-organization (1 action) and protect-audit-trail (5 + 5 + 6 actions), and
    // sts:GetCallerIdentity, which needs no permission and so is granted by no policy
    assert.deepEqual(
      report.access.map((a) => [a.permissionSet, a.decided, a.granted]),
      [['admin', total, total - 18]],
    );
  });
});
