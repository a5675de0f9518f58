import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan } from './parse-plan.ts';
import { buildRequests } from './build-requests.ts';
import { findMisconfigurations } from './misconfiguration-rules.ts';

function findings(type: string, after: Record<string, unknown>, actions = ['create']) {
  const parsed = parsePlan(JSON.stringify({ format_version: '1.2', resource_changes: [{ address: `${type}.x`, mode: 'managed', type, name: 'x', change: { actions, before: null, after, after_unknown: {} } }] }));
  assert.ok(parsed.ok);
  return findMisconfigurations(parsed.value, buildRequests({ account: '111111111111', plan: parsed.value })).map((f) => [f.rule, f.message]);
}

describe('security group rules as their own resources', () => {
  it('SSH or RDP open to the world is SG-OPEN-ADMIN-PORT, in both rule resources', () => {
    assert.deepEqual(findings('aws_security_group_rule', { type: 'ingress', protocol: 'tcp', from_port: 3389, to_port: 3389, cidr_blocks: [], ipv6_cidr_blocks: ['::/0'] }), [['SG-OPEN-ADMIN-PORT', 'ingress to port 3389 from ::/0']]);
    assert.deepEqual(findings('aws_vpc_security_group_ingress_rule', { ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' }), [['SG-OPEN-ADMIN-PORT', 'ingress on all ports from 0.0.0.0/0']]);
  });

  it('a port range that misses 22 and 3389, a private range or an egress rule is not', () => {
    assert.deepEqual(findings('aws_security_group_rule', { type: 'ingress', protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] }), []);
    assert.deepEqual(findings('aws_vpc_security_group_ingress_rule', { ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr_ipv4: '10.0.0.0/8' }), []);
    assert.deepEqual(findings('aws_security_group_rule', { type: 'egress', protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }), []);
  });
});

describe('IAM policy documents', () => {
  it('PassRole on every role with the service condition is not IAM-PASSROLE-WILDCARD; on `*` without it is', () => {
    const doc = (condition?: object) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', ...(condition ? { Condition: condition } : {}) }] });
    assert.deepEqual(findings('aws_iam_role_policy', { role: 'r', policy: doc({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }) }), []);
    assert.deepEqual(findings('aws_iam_role_policy', { role: 'r', policy: doc() }).map(([rule]) => rule), ['IAM-PASSROLE-WILDCARD']);
  });

  it('a GitHub trust pinned to one repository is fine; `repo:org/*` and a missing `sub` are not', () => {
    const trust = (condition: object) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' }, Condition: condition }] });
    const rules = (condition: object) => findings('aws_iam_role', { name: 'r', path: '/', assume_role_policy: trust(condition), tags_all: {} }).map(([rule]) => rule);
    assert.deepEqual(rules({ StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/infra:environment:prod' } }), []);
    assert.deepEqual(rules({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }), ['IAM-OIDC-TRUST-WILDCARD']);
    assert.deepEqual(rules({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }), ['IAM-OIDC-TRUST-WILDCARD']);
  });
});
