/** `small`: one identity policy of three statements and one request, the floor of a decision's cost */
import { policyText, type Scenario } from './scenario.ts';

export function buildSmallScenario(): Scenario {
  const policy = policyText([
    {
      Sid: 'ReadReports',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'],
    },
    {
      Sid: 'QueryOrders',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders',
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'analytics' } },
    },
    {
      Sid: 'NeverDeleteReports',
      Effect: 'Deny',
      Action: 's3:DeleteObject*',
      Resource: 'arn:aws:s3:::acme-reports/*',
    },
  ]);
  return {
    name: 'small',
    description: 'one identity policy (3 statements), one request decided over and over',
    identity: [{ name: 'analytics-read', text: policy }],
    scps: [],
    requests: [
      {
        request: {
          principal: 'arn:aws:sts::111122223333:assumed-role/analytics/alice',
          action: 's3:GetObject',
          resource: 'arn:aws:s3:::acme-reports/2026/03/summary.csv',
          context: { 'aws:PrincipalTag/team': 'analytics', 'aws:SourceIp': '203.0.113.10', 'aws:SecureTransport': 'true' },
        },
      },
    ],
    expectMixedDecisions: false,
  };
}
