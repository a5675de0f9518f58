/**
 * POST /v1/aws/apply on moto in server mode, with the production wiring: a service account applies
 * the active configuration version (an imported organization with a new guardrail attached at the
 * root) to the organization; every AWS call of the run, reads and changes, is in the audit log in
 * the order made; a second apply has nothing to do; users are refused.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { AwsApplyResult } from '../contract/aws.ts';
import { AuditEvent } from '../contract/audit.ts';
import { ErrorBody } from '../contract/error-body.ts';
import { importOrganization } from '../aws/import-organization.ts';
import { startMotoServer, type MotoServer } from '../aws/moto-server.test-support.ts';
import { readOrganization } from '../aws/read-organization.ts';
import { createSampleOrganization } from '../aws/sample-organization.test-support.ts';
import { issueCredential } from '../identity/credential.ts';
import { applyTestConfig } from './apply-test-config.test-support.ts';
import { issueSignIn } from './issue-sign-in.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';

const ISSUER = 'https://parapet.acme.example';
const DENY_ROOT = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}';
let moto: MotoServer;
let server: TestServer;
let folder: string;

before(async () => {
  moto = await startMotoServer();
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials' });
  const { organizations } = moto.clients();
  await createSampleOrganization(organizations);
  // the organization imported, then a new guardrail attached at the root
  const files = new Map(importOrganization(await readOrganization(organizations)));
  const yaml = files.get('parapet.yaml') ?? '';
  const edited = yaml.replace('\nguardrails:\n', '\nguardrails:\n  deny-root: guardrails/deny-root.json\n').replace('guardrails: [full-access', 'guardrails: [full-access, deny-root');
  assert.notEqual(edited, yaml);
  files.set('parapet.yaml', edited);
  files.set('guardrails/deny-root.json', DENY_ROOT);
  folder = mkdtempSync(join(tmpdir(), 'parapet-aws-apply-'));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  server = await startTestServer({ settings: { publicUrl: ISSUER, aws: { endpoint: moto.endpoint, region: 'us-east-1' } } });
  await applyTestConfig(server.context, folder);
});
after(async () => {
  await server.close();
  await moto.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function serviceToken(): Promise<string> {
  const now = new Date();
  const issued = await issueCredential(server.context.keys, { jti: server.context.newId(), sub: 'service-account:deployer', use: 'service', authTime: Math.floor(now.getTime() / 1000) }, { issuer: ISSUER, now, lifetimeSeconds: 600 });
  return issued.token;
}

function apply(token: string) {
  return server.app.inject({ method: 'POST', url: '/v1/aws/apply', headers: { authorization: `Bearer ${token}` } });
}

async function awsCallEvents(): Promise<AuditEvent[]> {
  const rows = await server.context.store.db.selectFrom('audit_events').select(['event', 'idx']).where('type', '=', 'aws-call').orderBy('idx', 'asc').execute();
  return rows.map((row) => AuditEvent.parse(JSON.parse(row.event)));
}

test('a service account applies the active version; every AWS call is in the audit log; a second apply has nothing to do', async () => {
  const response = await apply(await serviceToken());
  assert.equal(response.statusCode, 200, response.body);
  const result = AwsApplyResult.parse(response.json());
  assert.equal(result.failed, undefined);
  assert.deepEqual(result.notDone, []);
  assert.equal(result.done.length, 2, result.done.join('\n'));
  assert.match(result.done[0]!, /deny-root/);
  assert.match(result.done[1]!, /deny-root/);

  const live = await readOrganization(moto.clients().organizations);
  const created = live.policies.find((policy) => policy.name === 'deny-root');
  assert.ok(created !== undefined);
  assert.ok(live.root.scps.includes(created.id));

  const events = await awsCallEvents();
  const actions = events.map((event) => event.action);
  // the reads of the live organization, then the changes, each recorded as it was made
  assert.ok(actions.includes('organizations:ListRoots'), actions.join(' '));
  const create = events.find((event) => event.action === 'organizations:CreatePolicy');
  const attach = events.find((event) => event.action === 'organizations:AttachPolicy');
  assert.ok(create !== undefined && attach !== undefined, actions.join(' '));
  assert.ok(actions.indexOf('organizations:CreatePolicy') < actions.indexOf('organizations:AttachPolicy'));
  assert.ok(actions.lastIndexOf('organizations:ListRoots') < actions.indexOf('organizations:CreatePolicy'));
  for (const event of events) {
    assert.equal(event.actor.principal, 'service-account:deployer');
    assert.equal(event.outcome, 'success');
  }
  // policy documents are recorded by size and digest, never whole
  const input = (create.details?.['input'] ?? {}) as Record<string, unknown>;
  assert.equal(input['Name'], 'deny-root');
  assert.deepEqual(Object.keys(input['Content'] as object).sort(), ['characters', 'sha256']);
  assert.match((input['Content'] as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(attach.details?.['input'], { PolicyId: created.id, TargetId: live.root.id });

  // idempotent: a second apply changes nothing and makes no change call
  const writes = actions.filter((action) => !/:(List|Describe|Get|AssumeRole$)/.test(action)).length;
  const again = AwsApplyResult.parse((await apply(await serviceToken())).json());
  assert.deepEqual(again.done, []);
  assert.equal((await awsCallEvents()).filter((event) => !/:(List|Describe|Get|AssumeRole$)/.test(event.action)).length, writes);
});

test('users are refused: only a service account applies to AWS', async () => {
  const { token } = await issueSignIn(server.context, { user: 'alice@acme.example', authTime: Math.floor(Date.now() / 1000) });
  const response = await apply(token);
  assert.equal(response.statusCode, 403, response.body);
  assert.equal(ErrorBody.parse(response.json()).error.code, 'forbidden');
});
