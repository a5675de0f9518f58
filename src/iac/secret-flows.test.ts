/**
 * Secrets flowing into plain-text places (SECRET-IN-PLAINTEXT, SECRET-IN-LAMBDA-ENV), on a plan
 * built as `terraform show -json` writes it: a sensitive variable reaches an output not marked
 * sensitive, an SSM `String` parameter, Lambda environment variables, ECS container definitions,
 * user data and tags; marked by Terraform, referenced in the configuration, or copied in clear
 * (`nonsensitive()`). The canary never appears in any output format, nor in the command's logs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureOrganization } from './fixture-policies.test-support.ts';
import { runPreflight } from './preflight.ts';
import { preflightJson, renderPreflightMarkdown, renderPreflightText } from './render-preflight.ts';
import { preflightJunit, preflightSarif } from './render-preflight-sarif.ts';
import { CANARY, forms, leakyPlan } from './secret-flows.test-support.ts';

const org = fixtureOrganization();

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
