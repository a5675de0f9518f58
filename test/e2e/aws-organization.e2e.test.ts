/**
 * The AWS target end to end on the AWS API emulator (moto in server mode), through the `parapet`
 * CLI and read back through the AWS SDK:
 *
 *   an organization with units, accounts and SCPs made the way a platform team would → `parapet
 *   aws import` → the repository validates and plans empty → changed (a new guardrail, a moved
 *   account, a new permission set assignment) → the plan shows exactly that → apply → the plan is
 *   empty again → the organization, and the role and its trust policy in the member account, are
 *   as specified (GetRole, ListRolePolicies, GetPolicyVersion, GetOpenIDConnectProvider).
 *
 * Then, on the same moto and the organization just applied: `parapet serve` as a separate process
 * with the AWS target (the setting `aws`, moto's endpoint) and that configuration (applied with
 * the bootstrap token) → a user signs in through a real OpenID provider → `parapet aws
 * credentials` as a separate process (credential_process) prints the Version 1 JSON, whose
 * credentials STS names as the session of the role apply made, after the user → `parapet revoke
 * --all` → the server's worker puts the revoke-older-sessions Deny on that role, read back through
 * the member account's IAM, and Parapet's engine denies with it her session from before and not
 * one issued after. moto checks neither the token's signature nor the trust policy (docs/aws.md).
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
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { REVOKED_SESSIONS_POLICY_NAME } from '../../src/aws/revoked-sessions-policy.ts';
import { roleSessionName, webIdentitySubject, webIdentitySubjectPrefix } from '../../src/aws/web-identity.ts';
import { ProcessCredentials } from '../../src/cli/aws-credentials.ts';
import { readCredentials } from '../../src/cli/credentials-file.ts';
import { runCli, runCliWatching } from '../../src/cli/run-cli.test-support.ts';
import { WebIdentityTokenIssued } from '../../src/contract/aws.ts';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../src/identity/test-identity-provider.test-support.ts';
import { evaluateCase, parseCase } from '../../src/policy/index.ts';
import { freePort, startServerProcess, type ServerProcess, withEnv } from './server-process.test-support.ts';

const ISSUER = 'https://parapet.example.com';
const DENY_ROOT = '{"Version":"2012-10-17","Statement":[{"Sid":"DenyRootUser","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}';

const PARAPET = fileURLToPath(new URL('./parapet.ts', import.meta.url));

let moto: MotoServer;
let folder: string;
/** what the first test applied, for the second to serve */
let appliedOrganization: { readonly out: string; readonly account: string; readonly managementAccountId: string } | undefined;
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
  appliedOrganization = { out, account, managementAccountId: live.managementAccountId };
});

/** the `parapet` CLI as a separate process, as the AWS CLI runs a `credential_process` */
function runParapetProcess(args: readonly string[], env: Readonly<Record<string, string>>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PARAPET, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
  });
}


async function waitFor<T>(what: string, read: () => Promise<T | undefined>, withinMs: number): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `parapet login` through the provider, as the CLI's browser would */
async function login(publicUrl: string, idp: TestIdentityProvider, email: string): Promise<{ code: number; out: string; err: string }> {
  let browsing: Promise<void> | undefined;
  const result = await runCliWatching(['login', '--server', publicUrl, '--no-browser'], (text) => {
    const url = /sign in in your browser: (\S+)/.exec(text)?.[1];
    if (url !== undefined && browsing === undefined) {
      browsing = (async () => {
        const start = await fetch(url, { redirect: 'manual' });
        assert.equal(start.status, 302);
        const cookie = start.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');
        const callback = await idp.signIn(String(start.headers.get('location')), email);
        const back = await fetch(callback, { redirect: 'manual', headers: { cookie } });
        assert.equal(back.status, 302, await back.text());
        await (await fetch(String(back.headers.get('location')))).arrayBuffer();
      })();
    }
  });
  assert.ok(browsing, 'login printed the URL to open');
  await browsing;
  return result;
}

interface PolicyDocument {
  readonly Statement: readonly { readonly Effect: string; readonly Action: unknown; readonly Resource: unknown; readonly Condition?: Record<string, Record<string, unknown>> }[];
}

test('served with the AWS target: a signed-in user gets credentials through credential_process; revoking her sessions puts the revocation deny on the role', async (t) => {
  assert.ok(appliedOrganization, 'the organization was applied by the test before');
  const { out, account, managementAccountId } = appliedOrganization;
  const user = 'alice@example.com';
  const home = mkdtempSync(join(tmpdir(), 'parapet-aws-e2e-serve-'));
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const idp = await startTestIdentityProvider({ users: [{ email: user, groups: [] }], redirectUri: `${publicUrl}/v1/login/callback` });
  let server: ServerProcess | undefined;
  t.after(async () => {
    await server?.stop();
    await idp.stop();
    rmSync(home, { recursive: true, force: true });
  });

  // the server with the AWS target (moto), the management account's credentials the standard AWS way
  const settings = join(home, 'settings.json');
  writeFileSync(settings, JSON.stringify({ aws: { endpoint: moto.endpoint, region: 'us-east-1' } }));
  const noAwsFiles = { AWS_CONFIG_FILE: join(home, 'no-aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials') };
  server = await startServerProcess(['--host', '127.0.0.1', '--port', String(port), '--settings', settings], {
    PARAPET_PUBLIC_URL: publicUrl,
    PARAPET_STATE_DIR: join(home, 'state'),
    PARAPET_SSO_ISSUER: idp.issuer,
    PARAPET_SSO_CLIENT_ID: idp.clientId,
    PARAPET_SSO_CLIENT_SECRET: idp.clientSecret,
    PARAPET_LOG_LEVEL: 'warn',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    ...noAwsFiles,
  });
  const running = server;
  const { value: bootstrap } = await waitFor('the bootstrap token is printed', async () => /PARAPET_TOKEN=(pbt_[\w-]+)/.exec(running.stderr())?.[1], 10_000);

  const credentialsFile = join(home, 'credentials.json');
  await withEnv({ PARAPET_CREDENTIALS_FILE: credentialsFile, PARAPET_TOKEN: undefined, PARAPET_SERVER: undefined }, async () => {
    // the configuration `parapet aws apply` applied, applied to the server with the bootstrap token
    const appliedToServer = await withEnv({ PARAPET_TOKEN: bootstrap }, () => runCli('apply', out, '--server', publicUrl));
    assert.equal(appliedToServer.code, 0, appliedToServer.out + appliedToServer.err);

    // 1. alice (payments-devs, assigned developer in sandbox-alice) signs in through the provider
    const signedIn = await login(publicUrl, idp, user);
    assert.equal(signedIn.code, 0, signedIn.err);
    assert.match(signedIn.out, /as alice@example\.com/);

    // ... and the AWS CLI runs `parapet aws credentials` as its credential_process: a separate
    // process, no AWS credential of its own, STS at the endpoint of the standard AWS environment
    const beforeCredentials = new Date();
    const credentialProcess = await runParapetProcess(['aws', 'credentials', 'sandbox-alice', 'developer', '--server', publicUrl], {
      PARAPET_CREDENTIALS_FILE: credentialsFile,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'us-east-1',
      ...noAwsFiles,
    });
    assert.equal(credentialProcess.code, 0, credentialProcess.err);
    // standard output is exactly the protocol's Version 1 JSON, one line, nothing else
    assert.match(credentialProcess.out, /^\{.*\}\n$/);
    const credentials = ProcessCredentials.parse(JSON.parse(credentialProcess.out));
    assert.deepEqual(Object.keys(credentials), ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    // developer's sessionDuration, 4h30m, is the session's
    const lasts = Date.parse(credentials.Expiration) - beforeCredentials.getTime();
    assert.ok(Math.abs(lasts - (4 * 3600 + 30 * 60) * 1000) < 120_000, `lasts ${lasts} ms`);

    // STS with those credentials: the role's session, named after her, in the member account
    const sts = new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken } });
    const identity = await sts.send(new GetCallerIdentityCommand({})).finally(() => sts.destroy());
    assert.equal(identity.Account, account);
    assert.equal(identity.Arn, `arn:aws:sts::${account}:assumed-role/developer/${roleSessionName(user)}`);

    // the role is the one `parapet aws apply` made there, and its trust policy's `sub` pattern
    // matches the subject of the tokens the server issues her for it (moto checks neither; the
    // condition key's host is the issuer apply was given, https://parapet.example.com: IAM takes
    // only an https issuer, and this server listens on plain loopback HTTP)
    const stored = readCredentials(credentialsFile).servers[publicUrl]?.signIn?.token;
    assert.ok(stored, 'login stored the sign-in credential');
    const asked = await fetch(`${publicUrl}/v1/aws/web-identity-token`, { method: 'POST', headers: { authorization: `Bearer ${stored}`, 'content-type': 'application/json' }, body: JSON.stringify({ account: 'sandbox-alice', permissionSet: 'developer' }) });
    assert.equal(asked.status, 201);
    const issued = WebIdentityTokenIssued.parse(await asked.json());
    const claims = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; aud: string };
    assert.equal(claims.sub, webIdentitySubject(account, 'developer', user));
    assert.equal(claims.aud, 'sts.amazonaws.com');
    const { iam, close } = await openAccountIam(account, { clients: moto.clients(), managementAccountId });
    try {
      const role = (await iam.send(new GetRoleCommand({ RoleName: 'developer' }))).Role;
      assert.equal(role?.Arn, issued.roleArn);
      assert.deepEqual(Object.fromEntries((role?.Tags ?? []).map((tag) => [tag.Key, tag.Value])), { 'parapet:managed': 'true', 'parapet:permission-set': 'developer' });
      const trust = JSON.parse(decodePolicyDocument(role?.AssumeRolePolicyDocument)) as PolicyDocument;
      const subPattern = String(trust.Statement[0]?.Condition?.['StringLike']?.['parapet.example.com:sub']);
      assert.equal(subPattern, `${webIdentitySubjectPrefix(account, 'developer')}*`);
      assert.ok(claims.sub.startsWith(subPattern.slice(0, -1)) && !subPattern.slice(0, -1).includes('*'), `${claims.sub} matches ${subPattern}`);
      const roleId = role?.RoleId ?? assert.fail('the role has an id');

      // 2. her sessions are revoked; the server's worker puts the deny of older sessions on the role
      const revokedAt = new Date();
      const revoked = await runCli('revoke', '--all');
      assert.equal(revoked.code, 0, revoked.out + revoked.err);
      const { value: text, ms } = await waitFor(
        'the role carries `parapet-revoked-sessions`',
        async () => {
          try {
            return decodePolicyDocument((await iam.send(new GetRolePolicyCommand({ RoleName: 'developer', PolicyName: REVOKED_SESSIONS_POLICY_NAME }))).PolicyDocument);
          } catch (error) {
            if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') return undefined;
            throw error;
          }
        },
        15_000,
      );
      t.diagnostic(`the revocation deny was on the role ${ms} ms after \`parapet revoke --all\` ended`);
      const deny = JSON.parse(text) as PolicyDocument;
      assert.equal(deny.Statement.length, 1);
      const statement = deny.Statement[0]!;
      assert.deepEqual([statement.Effect, statement.Action, statement.Resource], ['Deny', '*', '*']);
      assert.deepEqual(Object.keys(statement.Condition ?? {}).sort(), ['DateLessThan', 'StringLike']);
      assert.deepEqual(statement.Condition?.['StringLike'], { 'aws:userid': [`*:${roleSessionName(user)}`] });
      // the time: the revocation's, or later while a token issued before it could still be exchanged
      // (its exp and AWS's five minutes past it)
      const until = String(statement.Condition?.['DateLessThan']?.['aws:TokenIssueTime']);
      assert.ok(Date.parse(until) >= Math.floor(revokedAt.getTime() / 1000) * 1000, `${until} is not before the revocation`);
      assert.ok(Date.parse(until) <= Date.parse(issued.expiresAt) + 300_000 + 1000, `${until} is at most the last token's exp and five minutes`);

      // Parapet's engine decides with the role's inline policies as IAM has them now: her session
      // from before the revocation is denied, one issued after the deny's time is not, and another
      // user's session from before is not
      const names = [...((await iam.send(new ListRolePoliciesCommand({ RoleName: 'developer' }))).PolicyNames ?? [])].sort();
      assert.deepEqual(names, ['developer', REVOKED_SESSIONS_POLICY_NAME, 'read-only']);
      const identityPolicies = await Promise.all(names.map(async (name) => JSON.parse(decodePolicyDocument((await iam.send(new GetRolePolicyCommand({ RoleName: 'developer', PolicyName: name }))).PolicyDocument)) as unknown));
      const decide = (session: string, tokenIssueTime: Date): string => {
        const parsed = parseCase(
          JSON.stringify({
            name: 'a developer session after the revocation',
            request: {
              principal: `arn:aws:sts::${account}:assumed-role/developer/${session}`,
              action: 'lambda:InvokeFunction',
              resource: `arn:aws:lambda:us-east-1:${account}:function:payments`,
              context: { 'aws:userid': `${roleId}:${session}`, 'aws:TokenIssueTime': tokenIssueTime.toISOString() },
            },
            policies: { identity: identityPolicies, permissionBoundary: JSON.parse(DEVELOPER_BOUNDARY) as unknown },
          }),
        );
        assert.ok(parsed.ok, JSON.stringify(parsed));
        return evaluateCase(parsed.value).decision.decision;
      };
      assert.equal(decide(roleSessionName(user), beforeCredentials), 'ExplicitDeny');
      assert.equal(decide(roleSessionName(user), new Date(Date.parse(until) + 1000)), 'Allow');
      assert.equal(decide(roleSessionName('bob@example.com'), beforeCredentials), 'Allow');
    } finally {
      close();
    }
  });
  assert.equal(await running.stop(), 0, running.stderr());
  server = undefined;
});
