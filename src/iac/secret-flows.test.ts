/**
 * Secrets flowing into plain-text places (SECRET-IN-PLAINTEXT, SECRET-IN-LAMBDA-ENV), on a plan
 * built as `terraform show -json` writes it: a sensitive variable reaches an output not marked
 * sensitive, an SSM `String` parameter, Lambda environment variables, ECS container definitions,
 * user data and tags; marked by Terraform, referenced in the configuration, or copied in clear
 * (`nonsensitive()`). The canary never appears in any output format, nor in the command's logs.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureOrganization, FIXTURES } from './fixture-policies.test-support.ts';
import { runPreflight } from './preflight.ts';
import { preflightJson, renderPreflightMarkdown, renderPreflightText } from './render-preflight.ts';
import { preflightJunit, preflightSarif } from './render-preflight-sarif.ts';
import { runCli } from '../cli/run-cli.test-support.ts';

const CANARY = 'CANARY-leaky-7d1e0b-secret';
const forms = [CANARY, Buffer.from(CANARY).toString('base64'), JSON.stringify(CANARY).slice(1, -1)];
const org = fixtureOrganization();

interface Change {
  address: string;
  type: string;
  after: Record<string, unknown>;
  afterSensitive?: Record<string, unknown>;
  refs?: Record<string, unknown>;
}
const changes: Change[] = [
  { address: 'aws_ssm_parameter.plain', type: 'aws_ssm_parameter', after: { name: '/app/db', type: 'String', value: CANARY, tags: { team: 'a' } }, afterSensitive: { value: true }, refs: { value: { references: ['var.db_password'] } } },
  { address: 'aws_ssm_parameter.secure', type: 'aws_ssm_parameter', after: { name: '/app/db2', type: 'SecureString', value: CANARY, tags: { team: 'a' } }, afterSensitive: { value: true }, refs: { value: { references: ['var.db_password'] } } },
  // schema-sensitive, no secret source: not a finding
  { address: 'aws_ssm_parameter.region', type: 'aws_ssm_parameter', after: { name: '/app/region', type: 'String', value: 'eu-west-1', tags: { team: 'a' } }, afterSensitive: { value: true }, refs: { value: { constant_value: 'eu-west-1' } } },
  {
    address: 'aws_lambda_function.fn',
    type: 'aws_lambda_function',
    after: { function_name: 'app-fn', role: 'arn:aws:iam::111111111111:role/app-fn', environment: [{ variables: { DB_PASSWORD: CANARY, MODE: 'prod' } }], tags: { team: 'a' } },
    afterSensitive: { environment: [{ variables: { DB_PASSWORD: true } }] },
    refs: { environment: [{ variables: { references: ['var.db_password'] } }] },
  },
  {
    address: 'aws_ecs_task_definition.td',
    type: 'aws_ecs_task_definition',
    after: { family: 'app', container_definitions: JSON.stringify([{ name: 'app', environment: [{ name: 'PW', value: 'generated' }] }]), tags: { team: 'a' } },
    afterSensitive: { container_definitions: true },
    refs: { container_definitions: { references: ['random_password.db.result', 'random_password.db'] } },
  },
  // copied in clear with nonsensitive(): no mark, no reference the rule could follow (a local)
  { address: 'aws_instance.vm', type: 'aws_instance', after: { ami: 'ami-1', instance_type: 't3.micro', user_data: `#!/bin/sh\nexport PW=${CANARY}\n`, user_data_base64: Buffer.from(CANARY).toString('base64'), tags: { team: 'a' } }, refs: { user_data: { references: ['local.boot'] } } },
  { address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', after: { name: 'app-q', tags: { team: 'a', pw: CANARY } }, refs: { tags: { references: ['local.tags'] } } },
  { address: 'aws_sqs_queue.clean', type: 'aws_sqs_queue', after: { name: 'app-clean', tags: { team: 'a' } } },
];

function leakyPlan(): string {
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.11.0',
    variables: { db_password: { value: CANARY }, region: { value: 'eu-west-1' } },
    resource_changes: changes.map((c) => ({
      address: c.address,
      mode: 'managed',
      type: c.type,
      name: c.address.split('.')[1],
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after: c.after, after_unknown: {}, before_sensitive: false, after_sensitive: c.afterSensitive ?? {} },
    })),
    output_changes: {
      pw_plain: { actions: ['create'], before: null, after: CANARY, after_unknown: false, before_sensitive: false, after_sensitive: false },
      pw_ok: { actions: ['create'], before: null, after: CANARY, after_unknown: false, before_sensitive: false, after_sensitive: true },
      queue: { actions: ['create'], before: null, after: 'app-q', after_unknown: false, before_sensitive: false, after_sensitive: false },
    },
    configuration: {
      provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } },
      root_module: {
        variables: { db_password: { sensitive: true }, region: {} },
        outputs: {
          pw_plain: { expression: { references: ['var.db_password'] } },
          pw_ok: { sensitive: true, expression: { references: ['var.db_password'] } },
          queue: { expression: { references: ['aws_sqs_queue.q.name', 'aws_sqs_queue.q'] } },
        },
        resources: changes.map((c) => ({ address: c.address, mode: 'managed', type: c.type, name: c.address.split('.')[1], provider_config_key: 'aws', expressions: c.refs ?? {} })),
      },
    },
  });
}

const options = { account: org.account, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn }, requiredTags: ['team'] };
const result = runPreflight(leakyPlan(), options);
assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
const report = result.value;
const found = (rule: string) => report.findings.filter((f) => f.rule === rule).map((f) => f.address).sort();

describe('secrets in plain-text places', () => {
  it('finds every flow, marked, referenced or copied, and nothing where there is none', () => {
    assert.deepEqual(found('SECRET-IN-PLAINTEXT'), ['aws_ecs_task_definition.td', 'aws_instance.vm', 'aws_instance.vm', 'aws_sqs_queue.q', 'aws_ssm_parameter.plain', 'output.pw_plain']);
    assert.deepEqual(found('SECRET-IN-LAMBDA-ENV'), ['aws_lambda_function.fn']);
    const message = (address: string) => report.findings.filter((f) => f.address === address).map((f) => f.message).join('\n');
    assert.match(message('aws_ssm_parameter.plain'), /type `String` \(not `SecureString`\) holds a secret \(from `var\.db_password`\)/);
    assert.match(message('aws_ecs_task_definition.td'), /from `random_password\.db\.result`/);
    assert.match(message('aws_instance.vm'), /`user_data` holds a secret \(holding the value of a sensitive variable\)/);
    assert.match(message('aws_sqs_queue.q'), /tag `pw` holds a secret/);
    assert.match(message('aws_lambda_function.fn'), /environment variable `DB_PASSWORD` is sensitive \(from `var\.db_password`\)/);
    assert.match(message('output.pw_plain'), /an output not marked `sensitive` holds a secret \(from `var\.db_password`\)/);
    assert.equal(report.findings.find((f) => f.rule === 'SECRET-IN-PLAINTEXT')?.severity, 'high');
    assert.equal(report.passed, false, 'a high finding is mandatory by default');
  });

  it('the report itself holds no copy of the canary in its findings', () => {
    assert.ok(!JSON.stringify(report.findings).includes(CANARY));
  });

  it('no output format carries the canary in any form', () => {
    const outputs = [renderPreflightText(report), renderPreflightMarkdown(report), preflightJson(report), preflightSarif(report, { planFile: 'plan.json' }), preflightJunit(report)];
    // the copies in clear do reach the requests (a tag is request context): the renderers scrub them
    assert.ok(JSON.stringify(report.changes).includes(CANARY), 'the test plan does put the canary in reach of the outputs');
    for (const output of outputs) for (const form of forms) assert.ok(!output.includes(form), `${form} in ${output.slice(0, 60)}`);
    assert.match(renderPreflightText(report), /aws:RequestTag\/pw|tag `pw`/);
  });
});

describe('the command keeps the canary out of every output and its logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-secret-flows-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const planPath = join(dir, 'plan.json');
  writeFileSync(planPath, leakyPlan());
  const P = join(FIXTURES, 'policies');
  const deployer = ['--account-id', '111111111111', '--principal', org.principal, '--role-arn', org.roleArn, '--identity', join(P, 'deployer-identity-policy.json'), '--scp', join(P, 'scp-full-aws-access.json'), '--required-tag', 'team'];

  for (const format of [[], ['--json'], ['--markdown']]) {
    it(`${format[0] ?? 'text'}, with SARIF and JUnit files`, async () => {
      const sarif = join(dir, `out${format.join('')}.sarif`);
      const junit = join(dir, `out${format.join('')}.xml`);
      const run = await runCli('preflight', planPath, ...deployer, ...format, '--sarif', sarif, '--junit', junit);
      assert.equal(run.code, 1, run.err);
      assert.match(run.out, /SECRET-IN-PLAINTEXT/);
      for (const text of [run.out, run.err, readFileSync(sarif, 'utf8'), readFileSync(junit, 'utf8')]) for (const form of forms) assert.ok(!text.includes(form));
    });
  }

  it('a plan that cannot be read: the error names no sensitive value', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, leakyPlan().replace('"actions":["create"]', '"actions":["create","explode"]'));
    const run = await runCli('preflight', broken, ...deployer);
    assert.equal(run.code, 2);
    for (const form of forms) assert.ok(!`${run.out}${run.err}`.includes(form));
  });
});
