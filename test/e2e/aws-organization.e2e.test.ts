/**
 * The AWS target end to end on the AWS API emulator (moto in server mode), through the `parapet`
 * CLI and read back through the AWS SDK:
 *
 *   an organization with units, accounts and SCPs made the way a platform team would → `parapet
 *   aws import` → the repository validates and plans empty → changed (a new guardrail, a moved
 *   account, a new permission set assignment) → the plan shows exactly that → apply → the plan is
 *   empty again → the organization, and the role and its trust policy in the member account, are
 *   as specified (GetRole, ListRolePolicies, GetPolicyVersion, GetOpenIDConnectProvider).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetOpenIDConnectProviderCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { permissionSetRoleArn } from '../../src/analysis/principal-session.ts';
import { openAccountIam } from '../../src/aws/account-access.ts';
import type { AccountChange } from '../../src/aws/account-change.ts';
import { decodePolicyDocument } from '../../src/aws/live-account.ts';
import { DEVELOPER, DEVELOPER_BOUNDARY, READ_ONLY, memberRoleFiles, memberRolesYaml } from '../../src/aws/member-roles.test-support.ts';
import { startMotoServer, type MotoServer } from '../../src/aws/moto-server.test-support.ts';
import type { OrganizationPlan } from '../../src/aws/organization-change.ts';
import { sameDocument } from '../../src/aws/plan-account.ts';
import { readOrganization } from '../../src/aws/read-organization.ts';
import { createSampleOrganization } from '../../src/aws/sample-organization.test-support.ts';
import { runCli } from '../../src/cli/run-cli.test-support.ts';

const ISSUER = 'https://parapet.example.com';
const DENY_ROOT = '{"Version":"2012-10-17","Statement":[{"Sid":"DenyRootUser","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}';

let moto: MotoServer;
let folder: string;
before(async () => {
  moto = await startMotoServer();
  Object.assign(process.env, { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });
  delete process.env.AWS_PROFILE;
  folder = mkdtempSync(join(tmpdir(), 'parapet-aws-e2e-'));
});
after(async () => {
  await moto.stop();
  rmSync(folder, { recursive: true, force: true });
});

const plan = async (out: string): Promise<OrganizationPlan> => {
  const run = await runCli('aws', 'plan', out, '--issuer', ISSUER, '--json');
  assert.equal(run.code, 0, run.out + run.err);
  return JSON.parse(run.out) as OrganizationPlan;
};
const allChanges = (p: OrganizationPlan) => [...p.changes, ...(p.accounts ?? []).flatMap((a) => a.changes)];
const summary = (c: AccountChange) => [c.kind, 'role' in c ? c.role : '', 'name' in c ? c.name : ''].filter((s) => s !== '').join(' ');

test('import → validate → plan empty → change → plan exactly that → apply → plan empty → AWS as specified', async () => {
  const clients = moto.clients();
  const sample = await createSampleOrganization(clients.organizations);
  const out = join(folder, 'org');

  // import; the repository validates and plans empty
  assert.equal((await runCli('aws', 'import', '--out', out)).code, 0);
  assert.equal((await runCli('validate', out)).code, 0);
  assert.deepEqual(allChanges(await plan(out)), []);

  // the change: a new guardrail at workloads, sandbox-alice moved to workloads, a permission set assigned there
  const file = join(out, 'parapet.yaml');
  let yaml = readFileSync(file, 'utf8');
  const aliceLine = yaml.split('\n').find((line) => line.includes('name: sandbox-alice')) ?? assert.fail('sandbox-alice is not in parapet.yaml');
  yaml = yaml.replace(`${aliceLine}\n`, '');
  yaml = yaml.replace(/(name: workloads\n {8}awsName: "Workloads"\n {8}id: ou-\S+\n {8}guardrails: \[)([^\]]*)\]/, `$1$2, deny-root]\n        accounts:\n${aliceLine}`);
  yaml = yaml.replace('\nguardrails:\n', '\nguardrails:\n  deny-root: guardrails/deny-root.json\n');
  yaml = `${yaml.trimEnd()}\n${memberRolesYaml({ assignments: ['{ group: payments-devs, permissionSet: developer, accounts: [sandbox-alice] }'] })}`;
  // only the assigned permission set: an unassigned one would be a warning, not part of this change
  yaml = yaml.replace(/\n {2}read-only: .*\n/, '\n').replace(/\n {2}deployer: .*\n/, '\n').replace(/\n {2}auditors: .*\n/, '\n');
  writeFileSync(file, yaml);
  writeFileSync(join(out, 'guardrails', 'deny-root.json'), DENY_ROOT);
  for (const [path, text] of Object.entries(memberRoleFiles())) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
  const validated = await runCli('validate', out);
  assert.equal(validated.code, 0, validated.out + validated.err);

  // the plan shows exactly that
  const changed = await plan(out);
  const workloads = { id: sample.units.workloads, label: 'workloads' };
  assert.deepEqual(
    changed.changes.map((c) => ({ ...c, ...('content' in c ? { content: '…' } : {}) })),
    [
      { kind: 'create-policy', policy: { name: 'deny-root' }, policyType: 'SERVICE_CONTROL_POLICY', awsName: 'deny-root', content: '…' },
      { kind: 'move-account', account: { id: sample.accounts.sandboxAlice, label: 'sandbox-alice' }, from: { id: sample.units.sandbox, label: 'sandbox' }, to: workloads },
      { kind: 'attach-policy', policy: { name: 'deny-root' }, target: workloads },
    ],
  );
  assert.deepEqual(
    (changed.accounts ?? []).filter((a) => a.changes.length > 0).map((a) => [a.accountId, a.changes.map(summary)]),
    [[sample.accounts.sandboxAlice, ['create-oidc-provider', 'create-managed-policy parapet-developer-boundary', 'create-role developer', 'put-inline-policy developer read-only', 'put-inline-policy developer developer']]],
  );
  assert.deepEqual([changed.problems, (changed.accounts ?? []).flatMap((a) => a.problems)], [[], []]);

  // apply; then the plan is empty again
  const applied = await runCli('aws', 'apply', out, '--issuer', ISSUER);
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.match(applied.out, /applied 8 changes/);
  assert.deepEqual(allChanges(await plan(out)), []);

  // the organization as specified
  const live = await readOrganization(clients.organizations);
  const liveWorkloads = live.root.units.find((u) => u.id === sample.units.workloads);
  const denyRoot = live.policies.find((p) => p.name === 'deny-root');
  assert.ok(denyRoot !== undefined && liveWorkloads?.scps.includes(denyRoot.id));
  assert.deepEqual(liveWorkloads?.accounts.map((a) => a.id), [sample.accounts.sandboxAlice]);

  // the role in the member account as specified, read back through IAM there
  const account = sample.accounts.sandboxAlice;
  const { iam, close } = await openAccountIam(account, { clients, managementAccountId: live.managementAccountId });
  try {
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'developer' }))).Role;
    // the ARN `parapet test` gives the sessions of this permission set
    assert.equal(role?.Arn, permissionSetRoleArn(account, 'developer'));
    assert.equal(role?.Path, '/parapet/');
    assert.equal(role?.MaxSessionDuration, 4 * 3600 + 30 * 60);
    const boundaryArn = `arn:aws:iam::${account}:policy/parapet/parapet-developer-boundary`;
    assert.equal(role?.PermissionsBoundary?.PermissionsBoundaryArn, boundaryArn);
    assert.deepEqual(Object.fromEntries((role?.Tags ?? []).map((t) => [t.Key, t.Value])), { 'parapet:managed': 'true', 'parapet:permission-set': 'developer' });
    const providerArn = `arn:aws:iam::${account}:oidc-provider/parapet.example.com`;
    assert.deepEqual(JSON.parse(decodePolicyDocument(role?.AssumeRolePolicyDocument)), {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ParapetWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: providerArn },
          Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
          Condition: { StringEquals: { 'parapet.example.com:aud': 'sts.amazonaws.com' }, StringLike: { 'parapet.example.com:sub': `account:${account}:permission-set:developer:user:*` } },
        },
      ],
    });
    assert.deepEqual([...((await iam.send(new ListRolePoliciesCommand({ RoleName: 'developer' }))).PolicyNames ?? [])].sort(), ['developer', 'read-only']);
    for (const [name, document] of [['developer', DEVELOPER], ['read-only', READ_ONLY]] as const) {
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'developer', PolicyName: name }));
      assert.ok(sameDocument(decodePolicyDocument(got.PolicyDocument), document, 'identity'), name);
    }
    assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'developer' }))).AttachedPolicies, []);
    const boundary = (await iam.send(new GetPolicyCommand({ PolicyArn: boundaryArn }))).Policy;
    assert.equal(boundary?.Path, '/parapet/');
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: boundaryArn, VersionId: boundary?.DefaultVersionId }));
    assert.ok(sameDocument(decodePolicyDocument(version.PolicyVersion?.Document), DEVELOPER_BOUNDARY, 'permissionBoundary'));
    const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
    assert.deepEqual([provider.Url, provider.ClientIDList], ['parapet.example.com', ['sts.amazonaws.com']]);
  } finally {
    close();
  }
});
