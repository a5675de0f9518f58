/**
 * The request map of the most used types the issue lists (ECS clusters and services, EKS node
 * groups, add-ons and access entries, SNS subscriptions and topic policies, VPC networking,
 * CloudWatch Logs metric filters, KMS grants): the requests a plan creating them sends, with their
 * resource ARNs resolved through the configuration's references; an unmapped type or change stays
 * reported as such, never passed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureOrganization } from '../fixture-policies.test-support.ts';
import { buildRequests, type PlannedChange } from '../build-requests.ts';
import { parsePlan } from '../parse-plan.ts';
import { runPreflight } from '../preflight.ts';

const org = fixtureOrganization();
const A = org.account;
const R = 'eu-west-1';
const tags = { team: 'payments' };

interface Spec {
  address: string;
  after: Record<string, unknown>;
  unknown?: Record<string, unknown>;
  refs?: Record<string, string[]>;
  actions?: string[];
  before?: Record<string, unknown>;
}
const specs: Spec[] = [
  { address: 'aws_vpc.main', after: { cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, tags }, unknown: { id: true, arn: true } },
  { address: 'aws_subnet.a', after: { cidr_block: '10.0.1.0/24', map_public_ip_on_launch: false, tags }, unknown: { id: true, vpc_id: true }, refs: { vpc_id: ['aws_vpc.main.id', 'aws_vpc.main'] } },
  { address: 'aws_internet_gateway.igw', after: { tags }, unknown: { id: true, vpc_id: true }, refs: { vpc_id: ['aws_vpc.main.id', 'aws_vpc.main'] } },
  { address: 'aws_eip.nat', after: { domain: 'vpc', tags }, unknown: { id: true } },
  { address: 'aws_nat_gateway.nat', after: { tags }, unknown: { id: true, allocation_id: true, subnet_id: true }, refs: { allocation_id: ['aws_eip.nat.id', 'aws_eip.nat'], subnet_id: ['aws_subnet.a.id', 'aws_subnet.a'] } },
  { address: 'aws_route_table.rt', after: { route: [{ cidr_block: '0.0.0.0/0' }], tags }, unknown: { id: true, vpc_id: true }, refs: { vpc_id: ['aws_vpc.main.id', 'aws_vpc.main'] } },
  { address: 'aws_route_table_association.a', after: {}, unknown: { id: true, subnet_id: true, route_table_id: true }, refs: { subnet_id: ['aws_subnet.a.id', 'aws_subnet.a'], route_table_id: ['aws_route_table.rt.id', 'aws_route_table.rt'] } },
  { address: 'aws_vpc_endpoint.s3', after: { service_name: 'com.amazonaws.eu-west-1.s3', tags }, unknown: { id: true, vpc_id: true }, refs: { vpc_id: ['aws_vpc.main.id', 'aws_vpc.main'] } },
  { address: 'aws_network_acl.nacl', after: { ingress: [{ rule_no: 100 }], egress: [], subnet_ids: [], tags }, unknown: { id: true, vpc_id: true }, refs: { vpc_id: ['aws_vpc.main.id', 'aws_vpc.main'] } },
  { address: 'aws_flow_log.vpc', after: { log_destination_type: 's3', log_destination: 'arn:aws:s3:::payments-flow-logs', tags }, unknown: { id: true, vpc_id: true }, refs: { vpc_id: ['aws_vpc.main.id', 'aws_vpc.main'] } },
  { address: 'aws_ecs_cluster.c', after: { name: 'payments', tags }, unknown: { id: true, arn: true } },
  { address: 'aws_ecs_service.api', after: { name: 'api', tags }, unknown: { id: true, cluster: true }, refs: { cluster: ['aws_ecs_cluster.c.id', 'aws_ecs_cluster.c'] } },
  { address: 'aws_ecs_service.named', after: { name: 'worker', cluster: `arn:aws:ecs:${R}:${A}:cluster/payments`, iam_role: `arn:aws:iam::${A}:role/app-ecs-lb`, tags } },
  { address: 'aws_eks_node_group.ng', after: { cluster_name: 'prod', node_group_name: 'ng1', node_role_arn: `arn:aws:iam::${A}:role/app-eks-node`, tags }, unknown: { arn: true } },
  { address: 'aws_eks_addon.cni', after: { cluster_name: 'prod', addon_name: 'vpc-cni', tags }, unknown: { arn: true } },
  { address: 'aws_eks_access_entry.ci', after: { cluster_name: 'prod', principal_arn: `arn:aws:iam::${A}:role/app-ci`, tags }, unknown: { access_entry_arn: true } },
  { address: 'aws_sns_topic_subscription.sub', after: { topic_arn: `arn:aws:sns:${R}:${A}:alerts`, protocol: 'sqs', endpoint: `arn:aws:sqs:${R}:${A}:alerts` }, unknown: { arn: true } },
  { address: 'aws_sns_topic_policy.p', after: { arn: `arn:aws:sns:${R}:${A}:alerts`, policy: '{}' } },
  { address: 'aws_cloudwatch_log_metric_filter.f', after: { name: 'errors', log_group_name: 'app', pattern: 'ERROR' } },
  { address: 'aws_kms_grant.g', after: { key_id: `arn:aws:kms:${R}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, grantee_principal: `arn:aws:iam::${A}:role/app-worker`, operations: ['Decrypt'] }, unknown: { id: true, grant_id: true } },
  // an update of a route table's inline routes: which route call, the plan does not say
  { address: 'aws_route_table.existing', actions: ['update'], before: { id: 'rtb-0123', route: [], tags }, after: { id: 'rtb-0123', route: [{ cidr_block: '10.1.0.0/16' }], tags } },
  { address: 'aws_appmesh_mesh.m', after: { name: 'm' } },
];

function plan(): string {
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: specs.map((s) => ({
      address: s.address,
      mode: 'managed',
      type: s.address.split('.')[0],
      name: s.address.split('.')[1],
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: s.actions ?? ['create'], before: s.before ?? null, after: { ...s.after, ...(s.after.tags !== undefined ? { tags_all: s.after.tags } : {}) }, after_unknown: s.unknown ?? {} },
    })),
    configuration: {
      provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: R } } } },
      root_module: {
        resources: specs.map((s) => ({
          address: s.address,
          mode: 'managed',
          type: s.address.split('.')[0],
          name: s.address.split('.')[1],
          provider_config_key: 'aws',
          expressions: Object.fromEntries(Object.entries(s.refs ?? {}).map(([k, references]) => [k, { references }])),
        })),
      },
    },
  });
}

const parsed = parsePlan(plan());
assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
const planned = new Map<string, PlannedChange>(buildRequests({ account: A, plan: parsed.value }).map((p) => [p.change.address, p]));
const ec2 = (type: string, id = '*') => `arn:aws:ec2:${R}:${A}:${type}/${id}`;

const expected: [string, string, string, Record<string, string>?][] = [
  ['aws_vpc.main', 'ec2:CreateVpc', ec2('vpc')],
  ['aws_vpc.main', 'ec2:CreateTags', ec2('vpc'), { 'ec2:CreateAction': 'CreateVpc', 'aws:RequestTag/team': 'payments' }],
  ['aws_vpc.main', 'ec2:ModifyVpcAttribute', ec2('vpc')],
  ['aws_subnet.a', 'ec2:CreateSubnet', ec2('subnet')],
  ['aws_subnet.a', 'ec2:CreateSubnet', ec2('vpc')],
  ['aws_internet_gateway.igw', 'ec2:AttachInternetGateway', ec2('vpc')],
  ['aws_eip.nat', 'ec2:AllocateAddress', ec2('elastic-ip')],
  ['aws_nat_gateway.nat', 'ec2:CreateNatGateway', ec2('subnet')],
  ['aws_nat_gateway.nat', 'ec2:CreateNatGateway', ec2('elastic-ip')],
  ['aws_route_table.rt', 'ec2:CreateRoute', ec2('route-table')],
  ['aws_route_table_association.a', 'ec2:AssociateRouteTable', ec2('route-table')],
  ['aws_route_table_association.a', 'ec2:AssociateRouteTable', ec2('subnet')],
  ['aws_vpc_endpoint.s3', 'ec2:CreateVpcEndpoint', ec2('vpc-endpoint')],
  ['aws_network_acl.nacl', 'ec2:CreateNetworkAclEntry', ec2('network-acl')],
  ['aws_flow_log.vpc', 'ec2:CreateFlowLogs', ec2('vpc-flow-log')],
  ['aws_flow_log.vpc', 'logs:CreateLogDelivery', '*'],
  ['aws_ecs_cluster.c', 'ecs:CreateCluster', `arn:aws:ecs:${R}:${A}:cluster/payments`],
  ['aws_ecs_cluster.c', 'ecs:TagResource', `arn:aws:ecs:${R}:${A}:cluster/payments`, { 'ecs:CreateAction': 'CreateCluster' }],
  // the cluster referenced by ID (its ARN): the service ARN holds the cluster's name
  ['aws_ecs_service.api', 'ecs:CreateService', `arn:aws:ecs:${R}:${A}:service/payments/api`],
  ['aws_ecs_service.named', 'ecs:CreateService', `arn:aws:ecs:${R}:${A}:service/payments/worker`],
  ['aws_ecs_service.named', 'iam:PassRole', `arn:aws:iam::${A}:role/app-ecs-lb`, { 'iam:PassedToService': 'ecs.amazonaws.com' }],
  ['aws_eks_node_group.ng', 'eks:CreateNodegroup', `arn:aws:eks:${R}:${A}:cluster/prod`],
  ['aws_eks_node_group.ng', 'iam:PassRole', `arn:aws:iam::${A}:role/app-eks-node`, { 'iam:PassedToService': 'eks.amazonaws.com' }],
  ['aws_eks_addon.cni', 'eks:CreateAddon', `arn:aws:eks:${R}:${A}:cluster/prod`],
  ['aws_eks_access_entry.ci', 'eks:CreateAccessEntry', `arn:aws:eks:${R}:${A}:cluster/prod`, { 'eks:principalArn': `arn:aws:iam::${A}:role/app-ci` }],
  ['aws_sns_topic_subscription.sub', 'sns:Subscribe', `arn:aws:sns:${R}:${A}:alerts`, { 'sns:Protocol': 'sqs' }],
  ['aws_sns_topic_policy.p', 'sns:SetTopicAttributes', `arn:aws:sns:${R}:${A}:alerts`],
  ['aws_cloudwatch_log_metric_filter.f', 'logs:PutMetricFilter', `arn:aws:logs:${R}:${A}:log-group:app`],
  ['aws_kms_grant.g', 'kms:CreateGrant', `arn:aws:kms:${R}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, { 'kms:GranteePrincipal': `arn:aws:iam::${A}:role/app-worker` }],
];

describe('request map coverage of the most used types', () => {
  for (const [address, action, resource, context] of expected) {
    it(`${address}: ${action} on ${resource}`, () => {
      const p = planned.get(address)!;
      assert.ok(p.mapped, `${address} is mapped`);
      const r = p.requests.find((x) => x.action === action && x.resource === resource);
      assert.ok(r, `got ${JSON.stringify(p.requests.map((x) => [x.action, x.resource, x.unknown]))}`);
      for (const [k, v] of Object.entries(context ?? {})) assert.equal(r.context[k], v, k);
      assert.equal(r.context['aws:RequestedRegion'], R);
    });
  }

  it('requests that are not sent are not listed: no public IP mapping, no subnet association', () => {
    assert.ok(!planned.get('aws_subnet.a')!.requests.some((r) => r.action === 'ec2:ModifySubnetAttribute'));
    assert.ok(!planned.get('aws_network_acl.nacl')!.requests.some((r) => r.action === 'ec2:ReplaceNetworkAclAssociation'));
  });

  it('an unmapped type and an unmapped change of a mapped type are reported, never passed', () => {
    const result = runPreflight(plan(), { account: A, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn } });
    assert.ok(result.ok);
    const decision = (address: string) => result.value.changes.find((c) => c.change.address === address)?.decision;
    assert.equal(decision('aws_appmesh_mesh.m'), 'Unmapped');
    assert.equal(decision('aws_route_table.existing'), 'Unmapped');
    assert.equal(result.value.passed, false);
    assert.equal(result.value.summary.unmapped, 2);
  });
});
