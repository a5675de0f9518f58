/**
 * The server's answers agree with `parapet test`: the decision API and runAccessTests decide with
 * the same configuration, the same compiled policies and the same session principal, so for the
 * same request (the caller's context plus the keys the server fills) they give the same decision
 * value, causes and all. Checked on examples/acme's own access tests that name people, and on
 * random requests of every person's every holding.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { AuthorizeBatchResponse } from '../../contract/authorize.ts';
import { parseAccessTests, runAccessTests, type AccessTest } from '../../analysis/index.ts';
import { actionChecker, contextKeyType, rcpServices } from '../../catalog/installed-catalog-checks.ts';
import { listPrincipalAccess, type PrincipalRef } from '../../org/index.ts';
import type { ContextValue } from '../../policy/index.ts';
import { ACME_DIR, startAcmeServer, testCredential } from '../acme-server.test-support.ts';
import { isServerFilledKey, serverFilledContext } from '../authorize-request.ts';

const now = new Date('2026-12-06T12:00:00Z');
const server = await startAcmeServer({ clock: () => now });
after(() => server.close());
const active = server.context.config.current()!;
const { config, directory } = active;

interface Asked {
  readonly user: string;
  readonly account: string;
  readonly permissionSet: string;
  readonly mfaSecondsAgo: number | undefined;
  readonly requests: readonly { action: string; resource: string; resourceAccount?: string; context: Record<string, ContextValue> }[];
}

/** the server's decisions for one session, and `parapet test`'s for the same requests with the context the server decided with */
async function decideBoth(asked: Asked) {
  const { token, claims } = await testCredential(server, { user: asked.user, account: config.accounts.get(asked.account)!.id, permissionSet: asked.permissionSet, mfaSecondsAgo: asked.mfaSecondsAgo });
  const response = await server.app.inject({
    method: 'POST',
    url: '/v1/authorize/batch',
    headers: { authorization: `Bearer ${token}` },
    payload: { requests: asked.requests, causes: 'all' },
  });
  assert.equal(response.statusCode, 200, response.body);
  const served = AuthorizeBatchResponse.parse(response.json()).decisions;
  const tests: AccessTest[] = asked.requests.map((request, i) => ({
    name: `request ${i}`,
    source: 'generated',
    line: 1,
    column: 1,
    principal: { kind: 'user', name: asked.user },
    account: asked.account,
    permissionSet: asked.permissionSet,
    eligible: false,
    action: request.action,
    resource: request.resource,
    ...(request.resourceAccount === undefined ? {} : { resourceAccount: request.resourceAccount }),
    context: { ...request.context, ...serverFilledContext(claims, now) },
    expect: 'allow',
  }));
  const offline = runAccessTests(config, tests, { directory, rcpServices: rcpServices() });
  return { served, offline };
}

test('every access test of examples/acme that names a person is decided by the server as `parapet test` decides it, and passes', async () => {
  const folder = join(ACME_DIR, 'tests');
  let compared = 0;
  const kinds = new Set<string>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.yaml'))) {
    const parsed = parseAccessTests(readFileSync(join(folder, file), 'utf8'), `tests/${file}`, config, { checkAction: actionChecker(), contextKeyType: contextKeyType(), directory });
    assert.equal(parsed.issues.filter((i) => i.severity === 'error').length, 0);
    for (const accessTest of parsed.tests) {
      const user = personOf(accessTest.principal);
      // a session stands for a standing holding only (just-in-time elevation is not there yet)
      if (user === undefined || accessTest.eligible) continue;
      // a test that states who the principal is otherwise (another organization's id) asks about a session the server never sees
      if (Object.keys(accessTest.context).some((key) => isServerFilledKey(key) && key.toLowerCase() !== 'aws:multifactorauthpresent')) continue;
      // MFA is the credential's: a test saying `aws:MultiFactorAuthPresent: true` is a session with MFA
      const mfa = String(accessTest.context['aws:MultiFactorAuthPresent'] ?? 'false').toLowerCase() === 'true';
      const context = Object.fromEntries(Object.entries(accessTest.context).filter(([key]) => !isServerFilledKey(key)));
      const request = { action: accessTest.action, resource: accessTest.resource, ...(accessTest.resourceAccount === undefined ? {} : { resourceAccount: accessTest.resourceAccount }), context };
      const { served, offline } = await decideBoth({ user, account: accessTest.account, permissionSet: accessTest.permissionSet, mfaSecondsAgo: mfa ? 60 : undefined, requests: [request] });
      const item = served[0]!;
      assert.ok('decision' in item, `${accessTest.name}: ${JSON.stringify(item)}`);
      assert.deepEqual(item.decision, JSON.parse(JSON.stringify(offline[0]!.decision)), accessTest.name);
      // the server's answer meets the test's expectation, as `parapet test` does on the same folder
      const expectation = accessTest.expect;
      const got = item.decision.decision;
      assert.ok(expectation === 'allow' ? got === 'Allow' : expectation === 'deny' ? got !== 'Allow' : expectation === 'explicit-deny' ? got === 'ExplicitDeny' : got === 'ImplicitDeny', `${accessTest.source}: ${accessTest.name}: expected ${expectation}, got ${got}`);
      kinds.add(`${got}:${item.decision.causes.filter((c) => c.kind === 'explicit-deny').map((c) => (c.kind === 'explicit-deny' ? c.statement.policyType : '')).join(',')}`);
      compared += 1;
    }
  }
  assert.ok(compared >= 20, `only ${compared} tests name people`);
  // among them a guardrail (SCP) denial and a permissions boundary denial
  assert.ok([...kinds].some((k) => k.startsWith('ExplicitDeny:') && k.includes('scp')), [...kinds].join(' '));
  assert.ok([...kinds].some((k) => k.startsWith('ExplicitDeny:') && k.includes('permissionBoundary')), [...kinds].join(' '));
});

/** a user, or the first member of a group (the session is a person's) */
function personOf(principal: PrincipalRef): string | undefined {
  if (principal.kind === 'user') return principal.name;
  if (principal.kind === 'group') return directory.membersOf(principal.name)[0];
  return undefined;
}

const HOLDINGS = directory.listUsers().flatMap((user) =>
  listPrincipalAccess(config, { kind: 'user', name: user }, directory)
    .filter((entry) => entry.source.kind === 'assignment' && !entry.source.eligible)
    .map((entry) => ({ user, account: entry.account, permissionSet: entry.permissionSet })),
);
const ACTIONS = ['logs:GetLogEvents', 's3:GetObject', 's3:PutBucketPolicy', 's3:DeleteBucket', 'ec2:RunInstances', 'ec2:TerminateInstances', 'iam:CreateUser', 'iam:PassRole', 'cloudtrail:StopLogging', 'organizations:LeaveOrganization', 'kms:ScheduleKeyDeletion', 'sqs:SendMessage', 'rds:DescribeDBClusters', 'sts:GetCallerIdentity', 'dynamodb:DeleteTable', 'lambda:UpdateFunctionCode'];
const ACCOUNT_IDS = [...[...config.accounts.values()].map((a) => a.id), '999999999999'];
const resource = fc.oneof(
  fc.constant('*'),
  fc.constantFrom('arn:aws:s3:::acme-payments-data/x.json', 'arn:aws:s3:::acme-audit-trail/AWSLogs/x', 'arn:aws:s3:::acme-payments-data'),
  fc.tuple(fc.constantFrom('ec2', 'logs', 'sqs', 'kms', 'lambda'), fc.constantFrom(...ACCOUNT_IDS)).map(([service, account]) => `arn:aws:${service}:eu-west-1:${account}:thing/abc`),
  fc.constantFrom(...ACCOUNT_IDS).map((account) => `arn:aws:iam::${account}:role/app-payments-charge`),
);
const context = fc.record(
  {
    'aws:RequestedRegion': fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2'),
    'aws:SecureTransport': fc.constantFrom('true', 'false'),
    'iam:PassedToService': fc.constantFrom('lambda.amazonaws.com', 'ec2.amazonaws.com'),
    'aws:SourceIp': fc.constantFrom('203.0.113.7', '2001:db8::1'),
  },
  { requiredKeys: [] },
);
const request = fc.record({ action: fc.constantFrom(...ACTIONS), resource, context });

test('for random requests of every holding of examples/acme, the server\'s decision value equals runAccessTests\'s', async () => {
  assert.ok(HOLDINGS.length > 20);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...HOLDINGS),
      fc.option(fc.integer({ min: 0, max: 40_000 }), { nil: undefined }),
      fc.array(request, { minLength: 1, maxLength: 12 }),
      async (holding, mfaSecondsAgo, requests) => {
        const { served, offline } = await decideBoth({ ...holding, mfaSecondsAgo, requests });
        served.forEach((item, i) => {
          assert.ok('decision' in item, JSON.stringify(item));
          assert.deepEqual(item.decision, JSON.parse(JSON.stringify(offline[i]!.decision)));
        });
      },
    ),
    { numRuns: 80, seed: 8 },
  );
});
