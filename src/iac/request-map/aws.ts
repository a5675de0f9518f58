/**
 * The request map of the AWS provider (hashicorp/aws 5.x): per resource type, the requests a
 * create, update and delete send, with the source of each entry. Data, read by build-requests.ts;
 * documented in docs/preflight.md. Only what the provider is documented (or was read) to send is
 * listed; a type that is not here is reported as unmapped, never passed.
 */
import type { ResourceMapping, RequestSpec } from './types.ts';

const SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference/';
const TF = 'https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/';

const S3_BUCKET = 'arn:aws:s3:::{bucket}';
/** the bucket sub-resources: one Put call on the bucket to create, update (and a Put or Delete to remove) */
function bucketSub(type: string, action: string, deleteAction: string, extra: Partial<RequestSpec> = {}): ResourceMapping {
  return {
    type,
    computed: { id: '{bucket}' },
    create: [{ action, resource: S3_BUCKET, role: 'primary', ...extra }],
    update: [{ action, resource: S3_BUCKET, role: 'primary', ...extra }],
    delete: [{ action: deleteAction, resource: S3_BUCKET, role: 'primary' }],
    source: [`${SAR}list_amazons3.html`, `${TF}${type.replace(/^aws_/, '')}`],
  };
}

const tagged = (action: string, resource: string, context?: Record<string, string>): RequestSpec => ({
  action,
  resource,
  role: 'tag-on-create',
  tags: true,
  when: 'tags_all',
  ...(context !== undefined ? { context } : {}),
});

const IAM_ROLE = 'arn:aws:iam::{account}:role{path}{name}';
const IAM_ROLE_BY_NAME = 'arn:aws:iam::{account}:role/{role}';
const IAM_USER = 'arn:aws:iam::{account}:user{path}{name}';
const IAM_USER_BY_NAME = 'arn:aws:iam::{account}:user/{user}';

const ECS_TAGGING = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html';
const EC2_TAGGING = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html';

/** an EC2 resource whose create call carries its tags, then the create's other requests */
function ec2Created(
  type: string,
  arnType: string,
  action: string,
  more: readonly RequestSpec[],
  rest: { update?: readonly RequestSpec[]; delete: readonly RequestSpec[]; source: string; extraSource?: string },
): ResourceMapping {
  const arn = `arn:aws:ec2:{region}:{account}:${arnType}/{generated}`;
  // ec2:CreateAction is the create call's API name: the action without its `ec2:` prefix
  const createAction = action.slice('ec2:'.length);
  return {
    type,
    computed: { id: '{generated}', arn },
    create: [{ action, resource: arn, role: 'primary', tags: true }, tagged('ec2:CreateTags', arn, { 'ec2:CreateAction': createAction }), ...more],
    ...(rest.update !== undefined ? { update: rest.update } : {}),
    delete: rest.delete,
    taggable: true,
    source: [`${SAR}list_amazonec2.html`, EC2_TAGGING, ...(rest.extraSource !== undefined ? [rest.extraSource] : []), `${TF}${rest.source}`],
  };
}

export const AWS_REQUEST_MAP: readonly ResourceMapping[] = [
  // S3
  {
    type: 'aws_s3_bucket',
    computed: { id: '{bucket}', arn: S3_BUCKET },
    // the provider creates the bucket, then tags it with PutBucketTagging (resource_s3_bucket.go)
    create: [
      { action: 's3:CreateBucket', resource: S3_BUCKET, role: 'primary', context: { 's3:LocationConstraint': '{region}' } },
      { action: 's3:PutBucketTagging', resource: S3_BUCKET, role: 'follow-up', tags: true, when: 'tags_all' },
    ],
    update: [{ action: 's3:PutBucketTagging', resource: S3_BUCKET, role: 'primary', tags: true }],
    delete: [{ action: 's3:DeleteBucket', resource: S3_BUCKET, role: 'primary' }],
    stateful: true,
    taggable: true,
    source: [`${SAR}list_amazons3.html`, `${TF}s3_bucket`],
  },
  bucketSub('aws_s3_bucket_public_access_block', 's3:PutBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'),
  bucketSub('aws_s3_bucket_policy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'),
  bucketSub('aws_s3_bucket_versioning', 's3:PutBucketVersioning', 's3:PutBucketVersioning'),
  bucketSub('aws_s3_bucket_server_side_encryption_configuration', 's3:PutEncryptionConfiguration', 's3:PutEncryptionConfiguration'),
  bucketSub('aws_s3_bucket_ownership_controls', 's3:PutBucketOwnershipControls', 's3:PutBucketOwnershipControls'),
  bucketSub('aws_s3_bucket_acl', 's3:PutBucketAcl', 's3:PutBucketAcl', { context: { 's3:x-amz-acl': '{acl}' } }),
  bucketSub('aws_s3_bucket_lifecycle_configuration', 's3:PutLifecycleConfiguration', 's3:PutLifecycleConfiguration'),
  bucketSub('aws_s3_bucket_logging', 's3:PutBucketLogging', 's3:PutBucketLogging'),
  // KMS
  {
    type: 'aws_kms_key',
    computed: { id: '{generated}', key_id: '{generated}', arn: 'arn:aws:kms:{region}:{account}:key/{generated}' },
    create: [
      { action: 'kms:CreateKey', resource: '*', role: 'primary', tags: true },
      { ...tagged('kms:TagResource', 'arn:aws:kms:{region}:{account}:key/{generated}'), keyPolicy: true },
      { action: 'kms:EnableKeyRotation', resource: 'arn:aws:kms:{region}:{account}:key/{generated}', role: 'follow-up', when: 'enable_key_rotation', keyPolicy: true },
    ],
    delete: [{ action: 'kms:ScheduleKeyDeletion', resource: 'arn:aws:kms:{region}:{account}:key/{key_id}', role: 'primary', keyPolicy: true }],
    stateful: true,
    taggable: true,
    source: [`${SAR}list_awskeymanagementservice.html`, `${TF}kms_key`],
  },
  {
    type: 'aws_kms_alias',
    computed: { id: '{name}', arn: 'arn:aws:kms:{region}:{account}:{name}' },
    // CreateAlias is authorized on the alias and on the key (AWS KMS developer guide, "Controlling access to aliases")
    create: [
      { action: 'kms:CreateAlias', resource: 'arn:aws:kms:{region}:{account}:{name}', role: 'primary' },
      { action: 'kms:CreateAlias', resource: 'arn:aws:kms:{region}:{account}:key/{target_key_id}', role: 'also-on-key', keyPolicy: true },
    ],
    delete: [{ action: 'kms:DeleteAlias', resource: 'arn:aws:kms:{region}:{account}:{name}', role: 'primary' }],
    source: [`${SAR}list_awskeymanagementservice.html`, 'https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html', `${TF}kms_alias`],
  },
  // DynamoDB
  {
    type: 'aws_dynamodb_table',
    computed: { id: '{name}', arn: 'arn:aws:dynamodb:{region}:{account}:table/{name}' },
    create: [
      { action: 'dynamodb:CreateTable', resource: 'arn:aws:dynamodb:{region}:{account}:table/{name}', role: 'primary', tags: true },
      { action: 'dynamodb:UpdateContinuousBackups', resource: 'arn:aws:dynamodb:{region}:{account}:table/{name}', role: 'follow-up', when: 'point_in_time_recovery.0.enabled' },
    ],
    delete: [{ action: 'dynamodb:DeleteTable', resource: 'arn:aws:dynamodb:{region}:{account}:table/{name}', role: 'primary' }],
    stateful: true,
    taggable: true,
    source: [`${SAR}list_amazondynamodb.html`, `${TF}dynamodb_table`],
  },
  // SQS
  {
    type: 'aws_sqs_queue',
    computed: { arn: 'arn:aws:sqs:{region}:{account}:{name}' },
    create: [
      { action: 'sqs:CreateQueue', resource: 'arn:aws:sqs:{region}:{account}:{name}', role: 'primary', tags: true },
      tagged('sqs:TagQueue', 'arn:aws:sqs:{region}:{account}:{name}'),
    ],
    delete: [{ action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:{region}:{account}:{name}', role: 'primary' }],
    stateful: true,
    taggable: true,
    source: [`${SAR}list_amazonsqs.html`, `${TF}sqs_queue`],
  },
  // SNS
  {
    type: 'aws_sns_topic',
    computed: { id: 'arn:aws:sns:{region}:{account}:{name}', arn: 'arn:aws:sns:{region}:{account}:{name}' },
    create: [
      { action: 'sns:CreateTopic', resource: 'arn:aws:sns:{region}:{account}:{name}', role: 'primary', tags: true },
      tagged('sns:TagResource', 'arn:aws:sns:{region}:{account}:{name}'),
    ],
    delete: [{ action: 'sns:DeleteTopic', resource: 'arn:aws:sns:{region}:{account}:{name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonsns.html`, `${TF}sns_topic`],
  },
  // IAM (global: us-east-1)
  {
    type: 'aws_iam_role',
    global: true,
    computed: { id: '{name}', arn: IAM_ROLE, unique_id: '{generated}' },
    create: [
      { action: 'iam:CreateRole', resource: IAM_ROLE, role: 'primary', tags: true },
      tagged('iam:TagRole', IAM_ROLE),
    ],
    update: [{ action: 'iam:UpdateAssumeRolePolicy', resource: IAM_ROLE, role: 'primary' }],
    delete: [{ action: 'iam:DeleteRole', resource: IAM_ROLE, role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_role`],
  },
  {
    type: 'aws_iam_role_policy',
    global: true,
    computed: {},
    create: [{ action: 'iam:PutRolePolicy', resource: IAM_ROLE_BY_NAME, resourceFromReference: { arg: 'role', attr: 'arn' }, role: 'primary' }],
    update: [{ action: 'iam:PutRolePolicy', resource: IAM_ROLE_BY_NAME, resourceFromReference: { arg: 'role', attr: 'arn' }, role: 'primary' }],
    delete: [{ action: 'iam:DeleteRolePolicy', resource: IAM_ROLE_BY_NAME, resourceFromReference: { arg: 'role', attr: 'arn' }, role: 'primary' }],
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_role_policy`],
  },
  {
    type: 'aws_iam_role_policy_attachment',
    global: true,
    computed: {},
    create: [{ action: 'iam:AttachRolePolicy', resource: IAM_ROLE_BY_NAME, resourceFromReference: { arg: 'role', attr: 'arn' }, role: 'primary', context: { 'iam:PolicyARN': '{policy_arn}' } }],
    delete: [{ action: 'iam:DetachRolePolicy', resource: IAM_ROLE_BY_NAME, resourceFromReference: { arg: 'role', attr: 'arn' }, role: 'primary', context: { 'iam:PolicyARN': '{policy_arn}' } }],
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_role_policy_attachment`],
  },
  {
    type: 'aws_iam_policy',
    global: true,
    computed: { id: 'arn:aws:iam::{account}:policy{path}{name}', arn: 'arn:aws:iam::{account}:policy{path}{name}' },
    create: [
      { action: 'iam:CreatePolicy', resource: 'arn:aws:iam::{account}:policy{path}{name}', role: 'primary', tags: true },
      tagged('iam:TagPolicy', 'arn:aws:iam::{account}:policy{path}{name}'),
    ],
    update: [{ action: 'iam:CreatePolicyVersion', resource: 'arn:aws:iam::{account}:policy{path}{name}', role: 'primary' }],
    delete: [{ action: 'iam:DeletePolicy', resource: 'arn:aws:iam::{account}:policy{path}{name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_policy`],
  },
  {
    type: 'aws_iam_user',
    global: true,
    computed: { id: '{name}', arn: IAM_USER },
    create: [
      { action: 'iam:CreateUser', resource: IAM_USER, role: 'primary', tags: true },
      tagged('iam:TagUser', IAM_USER),
    ],
    delete: [{ action: 'iam:DeleteUser', resource: IAM_USER, role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_user`],
  },
  {
    type: 'aws_iam_access_key',
    global: true,
    computed: { id: '{generated}' },
    create: [{ action: 'iam:CreateAccessKey', resource: IAM_USER_BY_NAME, resourceFromReference: { arg: 'user', attr: 'arn' }, role: 'primary' }],
    delete: [{ action: 'iam:DeleteAccessKey', resource: IAM_USER_BY_NAME, resourceFromReference: { arg: 'user', attr: 'arn' }, role: 'primary' }],
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_access_key`],
  },
  {
    type: 'aws_iam_user_policy_attachment',
    global: true,
    computed: {},
    create: [{ action: 'iam:AttachUserPolicy', resource: IAM_USER_BY_NAME, resourceFromReference: { arg: 'user', attr: 'arn' }, role: 'primary', context: { 'iam:PolicyARN': '{policy_arn}' } }],
    delete: [{ action: 'iam:DetachUserPolicy', resource: IAM_USER_BY_NAME, resourceFromReference: { arg: 'user', attr: 'arn' }, role: 'primary', context: { 'iam:PolicyARN': '{policy_arn}' } }],
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_user_policy_attachment`],
  },
  // CloudWatch Logs
  {
    type: 'aws_cloudwatch_log_group',
    computed: { id: '{name}', arn: 'arn:aws:logs:{region}:{account}:log-group:{name}' },
    create: [
      { action: 'logs:CreateLogGroup', resource: 'arn:aws:logs:{region}:{account}:log-group:{name}', role: 'primary', tags: true },
      { action: 'logs:PutRetentionPolicy', resource: 'arn:aws:logs:{region}:{account}:log-group:{name}', role: 'follow-up', when: 'retention_in_days' },
    ],
    delete: [{ action: 'logs:DeleteLogGroup', resource: 'arn:aws:logs:{region}:{account}:log-group:{name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazoncloudwatchlogs.html`, `${TF}cloudwatch_log_group`],
  },
  // Lambda
  {
    type: 'aws_lambda_function',
    computed: { id: '{function_name}', arn: 'arn:aws:lambda:{region}:{account}:function:{function_name}' },
    create: [
      { action: 'lambda:CreateFunction', resource: 'arn:aws:lambda:{region}:{account}:function:{function_name}', role: 'primary', tags: true },
      tagged('lambda:TagResource', 'arn:aws:lambda:{region}:{account}:function:{function_name}'),
      // CreateFunction passes the execution role (Lambda developer guide, "Lambda execution role")
      { action: 'iam:PassRole', resource: '{role}', role: 'pass-role', context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::{s3_bucket}/{s3_key}', role: 'code-fetch', when: 's3_bucket' },
    ],
    delete: [{ action: 'lambda:DeleteFunction', resource: 'arn:aws:lambda:{region}:{account}:function:{function_name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_awslambda.html`, 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html', `${TF}lambda_function`],
  },
  {
    type: 'aws_lambda_event_source_mapping',
    computed: { id: '{generated}' },
    create: [{ action: 'lambda:CreateEventSourceMapping', resource: '*', role: 'primary', context: { 'lambda:FunctionArn': '{function_name}' } }],
    delete: [{ action: 'lambda:DeleteEventSourceMapping', resource: 'arn:aws:lambda:{region}:{account}:event-source-mapping:{uuid}', role: 'primary' }],
    source: [`${SAR}list_awslambda.html`, `${TF}lambda_event_source_mapping`],
  },
  // EC2
  {
    type: 'aws_instance',
    computed: { id: '{generated}', arn: 'arn:aws:ec2:{region}:{account}:instance/{generated}' },
    create: [
      { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:{region}:{account}:instance/{generated}', role: 'primary', tags: true },
      { action: 'ec2:RunInstances', resource: 'arn:aws:ec2:{region}:{account}:subnet/{subnet_id}', role: 'also-on-resource', when: 'subnet_id' },
      tagged('ec2:CreateTags', 'arn:aws:ec2:{region}:{account}:instance/{generated}', { 'ec2:CreateAction': 'RunInstances' }),
    ],
    delete: [{ action: 'ec2:TerminateInstances', resource: 'arn:aws:ec2:{region}:{account}:instance/{id}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonec2.html`, 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html', `${TF}instance`],
  },
  {
    type: 'aws_security_group',
    computed: { id: '{generated}', arn: 'arn:aws:ec2:{region}:{account}:security-group/{generated}' },
    // tags go in CreateSecurityGroup's tag specification; the provider then revokes AWS's default egress rule and authorizes its rules
    create: [
      { action: 'ec2:CreateSecurityGroup', resource: 'arn:aws:ec2:{region}:{account}:security-group/{generated}', role: 'primary', tags: true },
      { action: 'ec2:CreateSecurityGroup', resource: 'arn:aws:ec2:{region}:{account}:vpc/{vpc_id}', role: 'also-on-resource', when: 'vpc_id' },
      tagged('ec2:CreateTags', 'arn:aws:ec2:{region}:{account}:security-group/{generated}', { 'ec2:CreateAction': 'CreateSecurityGroup' }),
      { action: 'ec2:RevokeSecurityGroupEgress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{generated}', role: 'follow-up', when: 'vpc_id' },
      { action: 'ec2:AuthorizeSecurityGroupIngress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{generated}', role: 'follow-up', when: 'ingress' },
      { action: 'ec2:AuthorizeSecurityGroupEgress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{generated}', role: 'follow-up', when: 'egress' },
    ],
    delete: [{ action: 'ec2:DeleteSecurityGroup', resource: 'arn:aws:ec2:{region}:{account}:security-group/{id}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonec2.html`, `${TF}security_group`],
  },
  // RDS
  {
    type: 'aws_db_instance',
    computed: { arn: 'arn:aws:rds:{region}:{account}:db:{identifier}', id: '{generated}' },
    create: [
      { action: 'rds:CreateDBInstance', resource: 'arn:aws:rds:{region}:{account}:db:{identifier}', role: 'primary', tags: true },
      tagged('rds:AddTagsToResource', 'arn:aws:rds:{region}:{account}:db:{identifier}'),
      // RDS creates the managed master password's secret with the caller's permissions (RDS user guide, "Password management with Secrets Manager")
      { action: 'secretsmanager:CreateSecret', resource: 'arn:aws:secretsmanager:{region}:{account}:secret:{generated}', role: 'managed-master-password', when: 'manage_master_user_password' },
    ],
    delete: [{ action: 'rds:DeleteDBInstance', resource: 'arn:aws:rds:{region}:{account}:db:{identifier}', role: 'primary' }],
    stateful: true,
    taggable: true,
    source: [`${SAR}list_amazonrds.html`, 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html', `${TF}db_instance`],
  },
  // Secrets Manager (the secret's ARN ends in a random six-character suffix)
  {
    type: 'aws_secretsmanager_secret',
    computed: { id: 'arn:aws:secretsmanager:{region}:{account}:secret:{name}-{generated}', arn: 'arn:aws:secretsmanager:{region}:{account}:secret:{name}-{generated}' },
    create: [
      { action: 'secretsmanager:CreateSecret', resource: 'arn:aws:secretsmanager:{region}:{account}:secret:{name}-{generated}', role: 'primary', tags: true },
      tagged('secretsmanager:TagResource', 'arn:aws:secretsmanager:{region}:{account}:secret:{name}-{generated}'),
    ],
    delete: [{ action: 'secretsmanager:DeleteSecret', resource: '{arn}', role: 'primary' }],
    stateful: true,
    taggable: true,
    source: [`${SAR}list_awssecretsmanager.html`, `${TF}secretsmanager_secret`],
  },
  {
    type: 'aws_secretsmanager_secret_version',
    computed: {},
    create: [{ action: 'secretsmanager:PutSecretValue', resource: '{secret_id}', role: 'primary' }],
    update: [{ action: 'secretsmanager:PutSecretValue', resource: '{secret_id}', role: 'primary' }],
    delete: [{ action: 'secretsmanager:UpdateSecretVersionStage', resource: '{secret_id}', role: 'primary' }],
    source: [`${SAR}list_awssecretsmanager.html`, `${TF}secretsmanager_secret_version`],
  },
  // CloudTrail
  {
    type: 'aws_cloudtrail',
    computed: { arn: 'arn:aws:cloudtrail:{region}:{account}:trail/{name}' },
    create: [
      { action: 'cloudtrail:CreateTrail', resource: 'arn:aws:cloudtrail:{region}:{account}:trail/{name}', role: 'primary' },
      tagged('cloudtrail:AddTags', 'arn:aws:cloudtrail:{region}:{account}:trail/{name}'),
      { action: 'cloudtrail:StartLogging', resource: 'arn:aws:cloudtrail:{region}:{account}:trail/{name}', role: 'follow-up', when: 'enable_logging' },
    ],
    update: [{ action: 'cloudtrail:UpdateTrail', resource: 'arn:aws:cloudtrail:{region}:{account}:trail/{name}', role: 'primary' }],
    delete: [{ action: 'cloudtrail:DeleteTrail', resource: 'arn:aws:cloudtrail:{region}:{account}:trail/{name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_awscloudtrail.html`, `${TF}cloudtrail`],
  },
  // security group rules as their own resources
  {
    type: 'aws_security_group_rule',
    computed: {},
    create: [
      { action: 'ec2:AuthorizeSecurityGroupIngress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary', when: 'type=ingress' },
      { action: 'ec2:AuthorizeSecurityGroupEgress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary', when: 'type=egress' },
    ],
    delete: [
      { action: 'ec2:RevokeSecurityGroupIngress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary', when: 'type=ingress' },
      { action: 'ec2:RevokeSecurityGroupEgress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary', when: 'type=egress' },
    ],
    source: [`${SAR}list_amazonec2.html`, `${TF}security_group_rule`],
  },
  {
    type: 'aws_vpc_security_group_ingress_rule',
    computed: {},
    create: [{ action: 'ec2:AuthorizeSecurityGroupIngress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary' }],
    delete: [{ action: 'ec2:RevokeSecurityGroupIngress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary' }],
    source: [`${SAR}list_amazonec2.html`, `${TF}vpc_security_group_ingress_rule`],
  },
  {
    type: 'aws_vpc_security_group_egress_rule',
    computed: {},
    create: [{ action: 'ec2:AuthorizeSecurityGroupEgress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary' }],
    delete: [{ action: 'ec2:RevokeSecurityGroupEgress', resource: 'arn:aws:ec2:{region}:{account}:security-group/{security_group_id}', role: 'primary' }],
    source: [`${SAR}list_amazonec2.html`, `${TF}vpc_security_group_egress_rule`],
  },
  // IAM groups and user policies
  {
    type: 'aws_iam_group',
    global: true,
    computed: { id: '{name}', arn: 'arn:aws:iam::{account}:group{path}{name}' },
    create: [{ action: 'iam:CreateGroup', resource: 'arn:aws:iam::{account}:group{path}{name}', role: 'primary' }],
    delete: [{ action: 'iam:DeleteGroup', resource: 'arn:aws:iam::{account}:group{path}{name}', role: 'primary' }],
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_group`],
  },
  {
    type: 'aws_iam_group_policy_attachment',
    global: true,
    computed: {},
    create: [{ action: 'iam:AttachGroupPolicy', resource: 'arn:aws:iam::{account}:group/{group}', resourceFromReference: { arg: 'group', attr: 'arn' }, role: 'primary', context: { 'iam:PolicyARN': '{policy_arn}' } }],
    delete: [{ action: 'iam:DetachGroupPolicy', resource: 'arn:aws:iam::{account}:group/{group}', resourceFromReference: { arg: 'group', attr: 'arn' }, role: 'primary', context: { 'iam:PolicyARN': '{policy_arn}' } }],
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_group_policy_attachment`],
  },
  {
    type: 'aws_iam_user_policy',
    global: true,
    computed: {},
    create: [{ action: 'iam:PutUserPolicy', resource: IAM_USER_BY_NAME, resourceFromReference: { arg: 'user', attr: 'arn' }, role: 'primary' }],
    update: [{ action: 'iam:PutUserPolicy', resource: IAM_USER_BY_NAME, resourceFromReference: { arg: 'user', attr: 'arn' }, role: 'primary' }],
    delete: [{ action: 'iam:DeleteUserPolicy', resource: IAM_USER_BY_NAME, resourceFromReference: { arg: 'user', attr: 'arn' }, role: 'primary' }],
    source: [`${SAR}list_awsidentityandaccessmanagementiam.html`, `${TF}iam_user_policy`],
  },
  // resource policies set by their own resources
  {
    type: 'aws_sqs_queue_policy',
    computed: {},
    create: [{ action: 'sqs:SetQueueAttributes', resource: '{queue_arn}', resourceFromReference: { arg: 'queue_url', attr: 'arn' }, role: 'primary' }],
    update: [{ action: 'sqs:SetQueueAttributes', resource: '{queue_arn}', resourceFromReference: { arg: 'queue_url', attr: 'arn' }, role: 'primary' }],
    delete: [{ action: 'sqs:SetQueueAttributes', resource: '{queue_arn}', resourceFromReference: { arg: 'queue_url', attr: 'arn' }, role: 'primary' }],
    source: [`${SAR}list_amazonsqs.html`, `${TF}sqs_queue_policy`],
  },
  {
    type: 'aws_lambda_permission',
    computed: {},
    create: [{ action: 'lambda:AddPermission', resource: 'arn:aws:lambda:{region}:{account}:function:{function_name}', resourceFromReference: { arg: 'function_name', attr: 'arn' }, role: 'primary' }],
    delete: [{ action: 'lambda:RemovePermission', resource: 'arn:aws:lambda:{region}:{account}:function:{function_name}', resourceFromReference: { arg: 'function_name', attr: 'arn' }, role: 'primary' }],
    source: [`${SAR}list_awslambda.html`, `${TF}lambda_permission`],
  },
  // CloudWatch alarms
  {
    type: 'aws_cloudwatch_metric_alarm',
    computed: { id: '{alarm_name}', arn: 'arn:aws:cloudwatch:{region}:{account}:alarm:{alarm_name}' },
    create: [
      { action: 'cloudwatch:PutMetricAlarm', resource: 'arn:aws:cloudwatch:{region}:{account}:alarm:{alarm_name}', role: 'primary', tags: true },
      tagged('cloudwatch:TagResource', 'arn:aws:cloudwatch:{region}:{account}:alarm:{alarm_name}'),
    ],
    update: [{ action: 'cloudwatch:PutMetricAlarm', resource: 'arn:aws:cloudwatch:{region}:{account}:alarm:{alarm_name}', role: 'primary' }],
    delete: [{ action: 'cloudwatch:DeleteAlarms', resource: 'arn:aws:cloudwatch:{region}:{account}:alarm:{alarm_name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazoncloudwatch.html`, `${TF}cloudwatch_metric_alarm`],
  },
  // ECS and EKS: the roles they pass
  {
    type: 'aws_ecs_task_definition',
    computed: { arn: 'arn:aws:ecs:{region}:{account}:task-definition/{family}:{generated}' },
    create: [
      { action: 'ecs:RegisterTaskDefinition', resource: 'arn:aws:ecs:{region}:{account}:task-definition/{family}:{generated}', role: 'primary', tags: true },
      { action: 'iam:PassRole', resource: '{execution_role_arn}', role: 'pass-role', when: 'execution_role_arn', context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      { action: 'iam:PassRole', resource: '{task_role_arn}', role: 'pass-role', when: 'task_role_arn', context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    ],
    delete: [{ action: 'ecs:DeregisterTaskDefinition', resource: '*', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonelasticcontainerservice.html`, 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html', `${TF}ecs_task_definition`],
  },
  {
    type: 'aws_eks_cluster',
    computed: { id: '{name}', arn: 'arn:aws:eks:{region}:{account}:cluster/{name}' },
    create: [
      { action: 'eks:CreateCluster', resource: '*', role: 'primary', tags: true },
      { action: 'iam:PassRole', resource: '{role_arn}', role: 'pass-role', context: { 'iam:PassedToService': 'eks.amazonaws.com' } },
    ],
    delete: [{ action: 'eks:DeleteCluster', resource: 'arn:aws:eks:{region}:{account}:cluster/{name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonelastickubernetesservice.html`, 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html', `${TF}eks_cluster`],
  },
  // ECS: clusters and services
  {
    type: 'aws_ecs_cluster',
    computed: { id: 'arn:aws:ecs:{region}:{account}:cluster/{name}', arn: 'arn:aws:ecs:{region}:{account}:cluster/{name}' },
    // tags on create need ecs:TagResource too, with ecs:CreateAction (ECS developer guide, "Grant permission to tag resources on creation")
    create: [
      { action: 'ecs:CreateCluster', resource: 'arn:aws:ecs:{region}:{account}:cluster/{name}', role: 'primary', tags: true },
      tagged('ecs:TagResource', 'arn:aws:ecs:{region}:{account}:cluster/{name}', { 'ecs:CreateAction': 'CreateCluster' }),
    ],
    update: [{ action: 'ecs:UpdateCluster', resource: 'arn:aws:ecs:{region}:{account}:cluster/{name}', role: 'primary' }],
    delete: [{ action: 'ecs:DeleteCluster', resource: 'arn:aws:ecs:{region}:{account}:cluster/{name}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonelasticcontainerservice.html`, ECS_TAGGING, `${TF}ecs_cluster`],
  },
  {
    type: 'aws_ecs_service',
    // `cluster` is the cluster's ARN or name: the service ARN holds its name
    computed: { id: 'arn:aws:ecs:{region}:{account}:service/{cluster#basename}/{name}', arn: 'arn:aws:ecs:{region}:{account}:service/{cluster#basename}/{name}' },
    create: [
      { action: 'ecs:CreateService', resource: 'arn:aws:ecs:{region}:{account}:service/{cluster#basename}/{name}', role: 'primary', tags: true },
      tagged('ecs:TagResource', 'arn:aws:ecs:{region}:{account}:service/{cluster#basename}/{name}', { 'ecs:CreateAction': 'CreateService' }),
      // the load balancer role of a service outside awsvpc mode (ECS developer guide, "Service-linked role" / iam_role)
      { action: 'iam:PassRole', resource: '{iam_role}', role: 'pass-role', when: 'iam_role', context: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
    ],
    update: [{ action: 'ecs:UpdateService', resource: 'arn:aws:ecs:{region}:{account}:service/{cluster#basename}/{name}', role: 'primary' }],
    // the provider drains the service (UpdateService to a desired count of 0) before deleting it
    delete: [
      { action: 'ecs:UpdateService', resource: 'arn:aws:ecs:{region}:{account}:service/{cluster#basename}/{name}', role: 'follow-up' },
      { action: 'ecs:DeleteService', resource: 'arn:aws:ecs:{region}:{account}:service/{cluster#basename}/{name}', role: 'primary' },
    ],
    taggable: true,
    source: [`${SAR}list_amazonelasticcontainerservice.html`, ECS_TAGGING, `${TF}ecs_service`],
  },
  // EKS: node groups, add-ons, access entries
  {
    type: 'aws_eks_node_group',
    computed: { arn: 'arn:aws:eks:{region}:{account}:nodegroup/{cluster_name}/{node_group_name}/{generated}' },
    // CreateNodegroup is authorized on the cluster; the node role is passed to EKS (EKS user guide, "Amazon EKS node IAM role")
    create: [
      { action: 'eks:CreateNodegroup', resource: 'arn:aws:eks:{region}:{account}:cluster/{cluster_name}', role: 'primary', tags: true },
      { action: 'iam:PassRole', resource: '{node_role_arn}', role: 'pass-role', context: { 'iam:PassedToService': 'eks.amazonaws.com' } },
    ],
    update: [{ action: 'eks:UpdateNodegroupConfig', resource: 'arn:aws:eks:{region}:{account}:nodegroup/{cluster_name}/{node_group_name}/{generated}', role: 'primary' }],
    delete: [{ action: 'eks:DeleteNodegroup', resource: 'arn:aws:eks:{region}:{account}:nodegroup/{cluster_name}/{node_group_name}/{generated}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonelastickubernetesservice.html`, 'https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html', `${TF}eks_node_group`],
  },
  {
    type: 'aws_eks_addon',
    computed: { arn: 'arn:aws:eks:{region}:{account}:addon/{cluster_name}/{addon_name}/{generated}' },
    create: [{ action: 'eks:CreateAddon', resource: 'arn:aws:eks:{region}:{account}:cluster/{cluster_name}', role: 'primary', tags: true }],
    update: [{ action: 'eks:UpdateAddon', resource: 'arn:aws:eks:{region}:{account}:addon/{cluster_name}/{addon_name}/{generated}', role: 'primary' }],
    delete: [{ action: 'eks:DeleteAddon', resource: 'arn:aws:eks:{region}:{account}:addon/{cluster_name}/{addon_name}/{generated}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonelastickubernetesservice.html`, `${TF}eks_addon`],
  },
  {
    type: 'aws_eks_access_entry',
    computed: { access_entry_arn: 'arn:aws:eks:{region}:{account}:access-entry/{cluster_name}/{generated}' },
    create: [{ action: 'eks:CreateAccessEntry', resource: 'arn:aws:eks:{region}:{account}:cluster/{cluster_name}', role: 'primary', tags: true, context: { 'eks:principalArn': '{principal_arn}' } }],
    update: [{ action: 'eks:UpdateAccessEntry', resource: 'arn:aws:eks:{region}:{account}:access-entry/{cluster_name}/{generated}', role: 'primary' }],
    delete: [{ action: 'eks:DeleteAccessEntry', resource: 'arn:aws:eks:{region}:{account}:access-entry/{cluster_name}/{generated}', role: 'primary' }],
    taggable: true,
    source: [`${SAR}list_amazonelastickubernetesservice.html`, 'https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html', `${TF}eks_access_entry`],
  },
  {
    type: 'aws_eks_access_policy_association',
    computed: {},
    create: [{ action: 'eks:AssociateAccessPolicy', resource: 'arn:aws:eks:{region}:{account}:access-entry/{cluster_name}/{generated}', role: 'primary', context: { 'eks:policyArn': '{policy_arn}' } }],
    delete: [{ action: 'eks:DisassociateAccessPolicy', resource: 'arn:aws:eks:{region}:{account}:access-entry/{cluster_name}/{generated}', role: 'primary' }],
    source: [`${SAR}list_amazonelastickubernetesservice.html`, `${TF}eks_access_policy_association`],
  },
  // SNS: subscriptions and topic policies (authorized on the topic)
  {
    type: 'aws_sns_topic_subscription',
    computed: {},
    create: [{ action: 'sns:Subscribe', resource: '{topic_arn}', role: 'primary', context: { 'sns:Protocol': '{protocol}' } }],
    update: [{ action: 'sns:SetSubscriptionAttributes', resource: '{topic_arn}', role: 'primary' }],
    delete: [{ action: 'sns:Unsubscribe', resource: '{topic_arn}', role: 'primary' }],
    source: [`${SAR}list_amazonsns.html`, `${TF}sns_topic_subscription`],
  },
  {
    type: 'aws_sns_topic_policy',
    computed: { id: '{arn}' },
    // the policy is the topic's `Policy` attribute; deleting it puts back the default policy
    create: [{ action: 'sns:SetTopicAttributes', resource: '{arn}', role: 'primary' }],
    update: [{ action: 'sns:SetTopicAttributes', resource: '{arn}', role: 'primary' }],
    delete: [{ action: 'sns:SetTopicAttributes', resource: '{arn}', role: 'primary' }],
    source: [`${SAR}list_amazonsns.html`, `${TF}sns_topic_policy`],
  },
  // VPC networking: tags go in the create call's tag specification, with ec2:CreateTags for ec2:CreateAction (EC2 user guide, "Grant permission to tag resources during creation")
  ec2Created('aws_vpc', 'vpc', 'ec2:CreateVpc', [{ action: 'ec2:ModifyVpcAttribute', resource: 'arn:aws:ec2:{region}:{account}:vpc/{generated}', role: 'follow-up', when: 'enable_dns_hostnames' }], {
    update: [{ action: 'ec2:ModifyVpcAttribute', resource: 'arn:aws:ec2:{region}:{account}:vpc/{id}', role: 'primary' }],
    delete: [{ action: 'ec2:DeleteVpc', resource: 'arn:aws:ec2:{region}:{account}:vpc/{id}', role: 'primary' }],
    source: 'vpc',
  }),
  ec2Created(
    'aws_subnet',
    'subnet',
    'ec2:CreateSubnet',
    [
      { action: 'ec2:CreateSubnet', resource: 'arn:aws:ec2:{region}:{account}:vpc/{vpc_id}', role: 'also-on-resource' },
      { action: 'ec2:ModifySubnetAttribute', resource: 'arn:aws:ec2:{region}:{account}:subnet/{generated}', role: 'follow-up', when: 'map_public_ip_on_launch' },
    ],
    {
      update: [{ action: 'ec2:ModifySubnetAttribute', resource: 'arn:aws:ec2:{region}:{account}:subnet/{id}', role: 'primary' }],
      delete: [{ action: 'ec2:DeleteSubnet', resource: 'arn:aws:ec2:{region}:{account}:subnet/{id}', role: 'primary' }],
      source: 'subnet',
    },
  ),
  // an update of inline routes creates, replaces or deletes routes: which, the plan does not say (unmapped)
  ec2Created(
    'aws_route_table',
    'route-table',
    'ec2:CreateRouteTable',
    [
      { action: 'ec2:CreateRouteTable', resource: 'arn:aws:ec2:{region}:{account}:vpc/{vpc_id}', role: 'also-on-resource' },
      { action: 'ec2:CreateRoute', resource: 'arn:aws:ec2:{region}:{account}:route-table/{generated}', role: 'follow-up', when: 'route' },
    ],
    { delete: [{ action: 'ec2:DeleteRouteTable', resource: 'arn:aws:ec2:{region}:{account}:route-table/{id}', role: 'primary' }], source: 'route_table' },
  ),
  {
    type: 'aws_route_table_association',
    computed: { id: '{generated}' },
    create: [
      { action: 'ec2:AssociateRouteTable', resource: 'arn:aws:ec2:{region}:{account}:route-table/{route_table_id}', role: 'primary' },
      { action: 'ec2:AssociateRouteTable', resource: 'arn:aws:ec2:{region}:{account}:subnet/{subnet_id}', role: 'also-on-resource', when: 'subnet_id' },
    ],
    delete: [{ action: 'ec2:DisassociateRouteTable', resource: 'arn:aws:ec2:{region}:{account}:route-table/{route_table_id}', role: 'primary' }],
    source: [`${SAR}list_amazonec2.html`, `${TF}route_table_association`],
  },
  {
    type: 'aws_route',
    computed: { id: '{generated}' },
    create: [{ action: 'ec2:CreateRoute', resource: 'arn:aws:ec2:{region}:{account}:route-table/{route_table_id}', role: 'primary' }],
    update: [{ action: 'ec2:ReplaceRoute', resource: 'arn:aws:ec2:{region}:{account}:route-table/{route_table_id}', role: 'primary' }],
    delete: [{ action: 'ec2:DeleteRoute', resource: 'arn:aws:ec2:{region}:{account}:route-table/{route_table_id}', role: 'primary' }],
    source: [`${SAR}list_amazonec2.html`, `${TF}route`],
  },
  ec2Created(
    'aws_internet_gateway',
    'internet-gateway',
    'ec2:CreateInternetGateway',
    [
      { action: 'ec2:AttachInternetGateway', resource: 'arn:aws:ec2:{region}:{account}:internet-gateway/{generated}', role: 'follow-up', when: 'vpc_id' },
      { action: 'ec2:AttachInternetGateway', resource: 'arn:aws:ec2:{region}:{account}:vpc/{vpc_id}', role: 'follow-up', when: 'vpc_id' },
    ],
    {
      delete: [
        { action: 'ec2:DetachInternetGateway', resource: 'arn:aws:ec2:{region}:{account}:internet-gateway/{id}', role: 'follow-up', when: 'vpc_id' },
        { action: 'ec2:DeleteInternetGateway', resource: 'arn:aws:ec2:{region}:{account}:internet-gateway/{id}', role: 'primary' },
      ],
      source: 'internet_gateway',
    },
  ),
  ec2Created(
    'aws_nat_gateway',
    'natgateway',
    'ec2:CreateNatGateway',
    [
      { action: 'ec2:CreateNatGateway', resource: 'arn:aws:ec2:{region}:{account}:subnet/{subnet_id}', role: 'also-on-resource' },
      { action: 'ec2:CreateNatGateway', resource: 'arn:aws:ec2:{region}:{account}:elastic-ip/{allocation_id}', role: 'also-on-resource', when: 'allocation_id' },
    ],
    { delete: [{ action: 'ec2:DeleteNatGateway', resource: 'arn:aws:ec2:{region}:{account}:natgateway/{id}', role: 'primary' }], source: 'nat_gateway' },
  ),
  ec2Created('aws_eip', 'elastic-ip', 'ec2:AllocateAddress', [], {
    delete: [{ action: 'ec2:ReleaseAddress', resource: 'arn:aws:ec2:{region}:{account}:elastic-ip/{id}', role: 'primary' }],
    source: 'eip',
  }),
  ec2Created('aws_vpc_endpoint', 'vpc-endpoint', 'ec2:CreateVpcEndpoint', [{ action: 'ec2:CreateVpcEndpoint', resource: 'arn:aws:ec2:{region}:{account}:vpc/{vpc_id}', role: 'also-on-resource' }], {
    update: [{ action: 'ec2:ModifyVpcEndpoint', resource: 'arn:aws:ec2:{region}:{account}:vpc-endpoint/{id}', role: 'primary' }],
    delete: [{ action: 'ec2:DeleteVpcEndpoints', resource: 'arn:aws:ec2:{region}:{account}:vpc-endpoint/{id}', role: 'primary' }],
    source: 'vpc_endpoint',
  }),
  ec2Created(
    'aws_network_acl',
    'network-acl',
    'ec2:CreateNetworkAcl',
    [
      { action: 'ec2:CreateNetworkAcl', resource: 'arn:aws:ec2:{region}:{account}:vpc/{vpc_id}', role: 'also-on-resource' },
      { action: 'ec2:CreateNetworkAclEntry', resource: 'arn:aws:ec2:{region}:{account}:network-acl/{generated}', role: 'follow-up', when: 'ingress' },
      { action: 'ec2:CreateNetworkAclEntry', resource: 'arn:aws:ec2:{region}:{account}:network-acl/{generated}', role: 'follow-up', when: 'egress' },
      { action: 'ec2:ReplaceNetworkAclAssociation', resource: 'arn:aws:ec2:{region}:{account}:network-acl/{generated}', role: 'follow-up', when: 'subnet_ids' },
    ],
    { delete: [{ action: 'ec2:DeleteNetworkAcl', resource: 'arn:aws:ec2:{region}:{account}:network-acl/{id}', role: 'primary' }], source: 'network_acl' },
  ),
  {
    type: 'aws_network_acl_rule',
    computed: { id: '{generated}' },
    create: [{ action: 'ec2:CreateNetworkAclEntry', resource: 'arn:aws:ec2:{region}:{account}:network-acl/{network_acl_id}', role: 'primary' }],
    delete: [{ action: 'ec2:DeleteNetworkAclEntry', resource: 'arn:aws:ec2:{region}:{account}:network-acl/{network_acl_id}', role: 'primary' }],
    source: [`${SAR}list_amazonec2.html`, `${TF}network_acl_rule`],
  },
  ec2Created(
    'aws_flow_log',
    'vpc-flow-log',
    'ec2:CreateFlowLogs',
    [
      { action: 'ec2:CreateFlowLogs', resource: 'arn:aws:ec2:{region}:{account}:vpc/{vpc_id}', role: 'also-on-resource', when: 'vpc_id' },
      { action: 'ec2:CreateFlowLogs', resource: 'arn:aws:ec2:{region}:{account}:subnet/{subnet_id}', role: 'also-on-resource', when: 'subnet_id' },
      // to CloudWatch Logs: the delivery role is passed; to S3: a log delivery is created (VPC user guide, "IAM roles for publishing flow logs")
      { action: 'iam:PassRole', resource: '{iam_role_arn}', role: 'pass-role', when: 'iam_role_arn', context: { 'iam:PassedToService': 'vpc-flow-logs.amazonaws.com' } },
      { action: 'logs:CreateLogDelivery', resource: '*', role: 'follow-up', when: 'log_destination_type=s3' },
    ],
    {
      delete: [{ action: 'ec2:DeleteFlowLogs', resource: 'arn:aws:ec2:{region}:{account}:vpc-flow-log/{id}', role: 'primary' }],
      source: 'flow_log',
      extraSource: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html',
    },
  ),
  // CloudWatch Logs metric filters (authorized on the log group)
  {
    type: 'aws_cloudwatch_log_metric_filter',
    computed: { id: '{name}' },
    create: [{ action: 'logs:PutMetricFilter', resource: 'arn:aws:logs:{region}:{account}:log-group:{log_group_name}', role: 'primary' }],
    update: [{ action: 'logs:PutMetricFilter', resource: 'arn:aws:logs:{region}:{account}:log-group:{log_group_name}', role: 'primary' }],
    delete: [{ action: 'logs:DeleteMetricFilter', resource: 'arn:aws:logs:{region}:{account}:log-group:{log_group_name}', role: 'primary' }],
    source: [`${SAR}list_amazoncloudwatchlogs.html`, `${TF}cloudwatch_log_metric_filter`],
  },
  // KMS grants: on the key, which the key policy authorizes too
  {
    type: 'aws_kms_grant',
    computed: { id: '{generated}', grant_id: '{generated}' },
    create: [{ action: 'kms:CreateGrant', resource: 'arn:aws:kms:{region}:{account}:key/{key_id#basename}', role: 'primary', keyPolicy: true, context: { 'kms:GranteePrincipal': '{grantee_principal}' } }],
    delete: [{ action: 'kms:RevokeGrant', resource: 'arn:aws:kms:{region}:{account}:key/{key_id#basename}', role: 'primary', keyPolicy: true }],
    source: [`${SAR}list_awskeymanagementservice.html`, 'https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html', `${TF}kms_grant`],
  },
];

const BY_TYPE = new Map(AWS_REQUEST_MAP.map((m) => [m.type, m]));

export function mappingOf(type: string): ResourceMapping | undefined {
  return BY_TYPE.get(type);
}
