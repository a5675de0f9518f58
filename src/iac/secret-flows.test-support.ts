/** a plan in which a sensitive variable's value (a canary) flows into every plain-text place SECRET-IN-PLAINTEXT and SECRET-IN-LAMBDA-ENV look at */
export const CANARY = 'CANARY-leaky-7d1e0b-secret';
export const forms = [CANARY, Buffer.from(CANARY).toString('base64'), JSON.stringify(CANARY).slice(1, -1)];

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

export function leakyPlan(): string {
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
