import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.test-support.ts';

const SMALL = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));

describe('parapet who-can', () => {
  test('grouped by principal: permission set, account, and the conditions that remain with an example', async () => {
    const { code, out } = await runCli('who-can', SMALL, '--action', 'sqs:DeleteQueue', '--resource', 'arn:aws:sqs:eu-west-1:222222222222:jobs');
    assert.equal(code, 0);
    const conditional = 'conditional on `aws:RequestedRegion`, `aws:SecureTransport` (e.g. aws:RequestedRegion=eu-west-1 aws:SecureTransport=true)';
    assert.equal(
      out,
      [
        'who can `sqs:DeleteQueue` on `arn:aws:sqs:eu-west-1:222222222222:jobs`:',
        'group:ops',
        `  operator in dev  ${conditional}`,
        'user:rita@example.com (through group:ops)',
        `  operator in dev  ${conditional}`,
        'user:otto@example.com (through group:ops)',
        `  operator in dev  ${conditional}`,
        '',
        '3 principals, 3 of 11 (principal, account, permission set) checked: 0 allowed, 3 conditional',
        '',
      ].join('\n'),
    );
  });

  test('--context fixes keys; eligible access is marked', async () => {
    const { out } = await runCli('who-can', SMALL, '--action', 'iam:GetRole', '--account', 'prod', '--context', 'aws:RequestedRegion=eu-west-1');
    assert.match(out, /^group:ops\n {2}admin in prod \(eligible\) {2}allowed$/m);
    assert.match(out, /^group:readers\n {2}reader in prod {2}allowed$/m);
  });

  test('nobody', async () => {
    const { code, out } = await runCli('who-can', SMALL, '--action', 'sqs:DeleteQueue', '--resource', 'arn:aws:sqs:eu-west-1:111111111111:jobs');
    assert.equal(code, 0);
    assert.match(out, /^who can `sqs:DeleteQueue` on `arn:aws:sqs:eu-west-1:111111111111:jobs`:\n {2}nobody\n/);
  });

  test('--json: every entry with its keys and example', async () => {
    const { code, out } = await runCli('who-can', SMALL, '--action', 'sqs:DeleteQueue', '--resource', 'arn:aws:sqs:eu-west-1:222222222222:jobs', '--account', 'dev', '--json');
    assert.equal(code, 0);
    const report = JSON.parse(out) as { format: string; checked: number; entries: Record<string, unknown>[]; incomplete: boolean };
    assert.equal(report.format, 'parapet-who-can/1');
    assert.equal(report.checked, 5);
    assert.equal(report.incomplete, false);
    assert.deepEqual(report.entries[0], {
      principal: 'group:ops',
      account: 'dev',
      accountId: '222222222222',
      permissionSet: 'operator',
      via: 'standing',
      groups: ['ops'],
      status: 'conditional',
      conditionKeys: ['aws:RequestedRegion', 'aws:SecureTransport'],
      example: { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' },
      relations: [],
    });
  });

  test('invalid input: exit 2 with a message', async () => {
    const pattern = await runCli('who-can', SMALL, '--action', 'sqs:*');
    assert.equal(pattern.code, 2);
    assert.match(pattern.err, /--action: `sqs:\*` is not an action/);
    const account = await runCli('who-can', SMALL, '--action', 'sqs:SendMessage', '--account', 'prd');
    assert.equal(account.code, 2);
    assert.match(account.err, /unknown account `prd`: did you mean `prod`/);
    const context = await runCli('who-can', SMALL, '--action', 'sqs:SendMessage', '--context', 'region');
    assert.equal(context.code, 2);
    for (const [args, why] of [
      [['--action', '*'], /--action: `\*` is not an action: a request makes one action, not a pattern/],
      [['--action', ''], /--action: the action is empty/],
      [['--action', 'DeleteQueue'], /--action: `DeleteQueue` is not an action: expected `service:Action`/],
      [['--action', 'sqs:DeleteQueue', '--resource', 'garbage'], /--resource: `garbage` is not an ARN/],
      [['--action', 'sqs:DeleteQueue', '--context', 'aws:SecureTransport=yes'], /--context: context key `aws:SecureTransport`: `yes` is not a boolean/],
      [['--action', 'sqs:DeleteQueue', '--context', 'aws:MultiFactorAuthAge=abc'], /--context: context key `aws:MultiFactorAuthAge`: `abc` is not a number/],
    ] as const) {
      const { code, out, err } = await runCli('who-can', SMALL, ...args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(out, '');
      assert.match(err, why);
    }
    const missing = await runCli('who-can', SMALL);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /required option '--action <action>' not specified/);
  });

  test('an unknown action is a warning: the question is still answered', async () => {
    const { code, err } = await runCli('who-can', SMALL, '--action', 'sqs:DeleteQueues');
    assert.equal(code, 0);
    assert.match(err, /warning: unknown action `sqs:DeleteQueues`: did you mean `sqs:DeleteQueue`/);
  });
});
