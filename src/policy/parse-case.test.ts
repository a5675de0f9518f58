import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatIssue } from './issue.ts';
import { parseCase } from './parse-case.ts';

/** a case whose only policy allows everything: any request that reached the engine would be allowed */
function caseText(request: Record<string, unknown>): string {
  return JSON.stringify(
    {
      name: 'n',
      request: { principal: 'arn:aws:iam::111111111111:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', ...request },
      policies: { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }] },
      expected: 'Allow',
    },
    null,
    2,
  );
}

function errors(request: Record<string, unknown>, typeOf?: Parameters<typeof parseCase>[1]): string[] {
  const parsed = parseCase(caseText(request), { source: 'c.json', ...typeOf });
  assert.equal(parsed.ok, false, 'the case must not be accepted');
  return parsed.issues.filter((i) => i.severity === 'error').map((issue) => formatIssue(issue));
}

describe('parseCase: a malformed request is a bad case, never decided', () => {
  test('a typed context value that does not read as its type, located at its key or list item', () => {
    assert.deepEqual(errors({ context: { 'aws:MultiFactorAuthPresent': 'no' } }), [
      'c.json:8:7: error bad-case: context key `aws:MultiFactorAuthPresent`: `no` is not a boolean: expected `true` or `false`',
    ]);
    assert.deepEqual(errors({ context: { 'aws:SourceIp': ['203.0.113.7', '999.1.1.1'] } }), [
      'c.json:10:9: error bad-case: context key `aws:SourceIp`: `999.1.1.1` is not an IP address: expected an IPv4 (`203.0.113.7`) or IPv6 (`2001:db8::1`) address',
    ]);
    assert.match(errors({ context: { 'aws:CurrentTime': 'not-a-date' } })[0] ?? '', /`not-a-date` is not a date/);
    assert.match(errors({ context: { 'aws:MultiFactorAuthAge': 'abc' } })[0] ?? '', /`abc` is not a number/);
    assert.match(errors({ context: { 'aws:EpochTime': 'x' } })[0] ?? '', /context key `aws:EpochTime`: `x` is not a date/);
    assert.match(errors({ context: { 'aws:PrincipalArn': 'alice' } })[0] ?? '', /`alice` is not an ARN/);
    assert.match(errors({ context: { 'aws:SecureTransport': 1 } })[0] ?? '', /context key `aws:SecureTransport`: `1` is not a boolean/);
  });

  test('valid typed values, JSON booleans and numbers, and untyped keys are accepted', () => {
    const parsed = parseCase(
      caseText({
        context: {
          'aws:MultiFactorAuthPresent': true,
          'aws:SecureTransport': 'TRUE',
          'aws:MultiFactorAuthAge': 3600,
          'aws:CurrentTime': '2026-01-31T12:00:00Z',
          'aws:TokenIssueTime': '1769860800',
          'aws:EpochTime': 1769860800,
          'aws:SourceIp': ['203.0.113.7', '2001:db8::1'],
          'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/alice',
          'aws:RequestTag/team': 'anything',
          'example:Anything': 'no',
        },
      }),
    );
    assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  });

  test('service keys are checked with the types the caller gives (the catalog)', () => {
    const typeOf = (key: string) => (key.toLowerCase() === 's3:max-keys' ? (['Numeric'] as const) : undefined);
    assert.match(errors({ context: { 's3:max-keys': 'ten' } }, { contextKeyType: typeOf })[0] ?? '', /context key `s3:max-keys`: `ten` is not a number/);
    assert.ok(parseCase(caseText({ context: { 's3:max-keys': 'ten' } })).ok, 'without the catalog, a service key is a string');
  });

  test('an action that is not one `service:Action`, and a resource that is neither an ARN nor `*`', () => {
    assert.match(errors({ action: '*' })[0] ?? '', /bad-case: `request.action`: `\*` is not an action: a request makes one action, not a pattern/);
    assert.match(errors({ action: 's3:Get*' })[0] ?? '', /`request.action`: `s3:Get\*` is not an action: a request makes one action, not a pattern/);
    assert.match(errors({ action: 'GetObject' })[0] ?? '', /`request.action`: `GetObject` is not an action: expected `service:Action`/);
    assert.match(errors({ action: '' })[0] ?? '', /`request.action` must be a non-empty string/);
    assert.match(errors({ resource: 'bucket/key' })[0] ?? '', /c\.json:6:5: error bad-case: `request.resource`: `bucket\/key` is not an ARN/);
    assert.match(errors({ resource: 'arn:aws:s3' })[0] ?? '', /`arn:aws:s3` is not an ARN/);
    assert.ok(parseCase(caseText({ resource: '*', action: 'ec2:DescribeInstances' })).ok);
  });
});
