import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IssueCode } from './issue.ts';
import { parsePolicy } from './parse-policy.ts';
import type { PolicyType } from './policy.ts';

function issuesOf(doc: unknown, type: PolicyType = 'identity') {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  return parsePolicy(text, { type, source: 'p.json' });
}

const stmt = (extra: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...extra }] });

function expectCode(doc: unknown, code: IssueCode, type: PolicyType = 'identity', severity: 'error' | 'warning' = 'error') {
  const parsed = issuesOf(doc, type);
  const found = parsed.issues.find((i) => i.code === code);
  assert.ok(found, `expected ${code}, got ${parsed.issues.map((i) => i.code).join(', ') || 'no issue'}`);
  assert.equal(found.severity, severity);
  assert.equal(found.source, 'p.json');
  assert.ok(found.line !== undefined && found.line >= 1, 'issues from text carry a line');
  if (severity === 'error') assert.equal(parsed.ok, false, 'a policy with an error yields no policy');
  return found;
}

describe('parsePolicy: validation codes, each located', () => {
  test('json-syntax at the line and column of the mistake', () => {
    const found = expectCode('{\n  "Version": "2012-10-17",\n  "Statement": [ }', 'json-syntax');
    assert.equal(found.line, 3);
  });
  test('duplicate-key: JSON would silently keep only the last', () => {
    const found = expectCode('{"Version": "2012-10-17",\n "Statement": {"Effect": "Allow", "Action": "s3:*",\n "Action": "ec2:*", "Resource": "*"}}', 'duplicate-key');
    assert.equal(found.line, 3);
    assert.match(found.message, /`Action`/);
  });
  test('not-an-object', () => void expectCode('[1, 2]', 'not-an-object'));
  test('unknown-element with a case hint', () => {
    const found = expectCode(stmt({ effect: 'Allow' }), 'unknown-element');
    assert.match(found.message, /did you mean `Effect`/);
  });
  test('missing-version is a warning and means 2008-10-17', () => {
    const parsed = issuesOf({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    assert.ok(parsed.ok);
    assert.equal(parsed.value.version, '2008-10-17');
    assert.equal(parsed.issues[0]?.code, 'missing-version');
  });
  test('bad-version', () => {
    const found = expectCode({ Version: '2012-10-18', Statement: [] }, 'bad-version');
    assert.equal(found.path, '$.Version');
    assert.equal(found.line, 2);
  });
  test('missing-statement', () => void expectCode({ Version: '2012-10-17' }, 'missing-statement'));
  test('empty-statement', () => void expectCode({ Version: '2012-10-17', Statement: [] }, 'empty-statement'));
  test('bad-statement', () => void expectCode({ Version: '2012-10-17', Statement: ['x'] }, 'bad-statement'));
  test('bad-sid', () => void expectCode(stmt({ Sid: 42 }), 'bad-sid'));
  test('duplicate-sid names both statements', () => {
    const found = expectCode(
      { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'A', Effect: 'Deny', Action: '*', Resource: '*' }] },
      'duplicate-sid',
    );
    assert.equal(found.path, '$.Statement[1].Sid');
    assert.match(found.message, /statement 0/);
  });
  test('missing-effect', () => void expectCode({ Version: '2012-10-17', Statement: [{ Action: '*', Resource: '*' }] }, 'missing-effect'));
  test('bad-effect (values are case-sensitive)', () => void expectCode(stmt({ Effect: 'allow' }), 'bad-effect'));
  test('action-and-not-action', () => void expectCode(stmt({ NotAction: 'iam:*' }), 'action-and-not-action'));
  test('missing-action', () => void expectCode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'missing-action'));
  test('bad-action', () => {
    const found = expectCode(stmt({ Action: ['s3:GetObject', 'GetObject'] }), 'bad-action');
    assert.equal(found.path, '$.Statement[0].Action[1]');
  });
  test('unknown-action is a warning from the injected catalog check', () => {
    const parsed = parsePolicy(stmt({ Action: 's3:GetObjet' }), { type: 'identity', checkAction: (a) => (a === 's3:GetObjet' ? 'unknown action `s3:GetObjet`' : undefined) });
    assert.ok(parsed.ok);
    assert.equal(parsed.issues[0]?.code, 'unknown-action');
    assert.equal(parsed.issues[0]?.severity, 'warning');
  });
  test('resource-and-not-resource', () => void expectCode(stmt({ NotResource: '*' }), 'resource-and-not-resource'));
  test('missing-resource (identity policies need one; resource policies may omit it)', () => {
    expectCode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*' }] }, 'missing-resource');
    const trust = issuesOf({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'resource');
    assert.ok(trust.ok);
  });
  test('bad-resource', () => void expectCode(stmt({ Resource: [7] }), 'bad-resource'));
  test('malformed-arn', () => void expectCode(stmt({ Resource: 'arn:aws:s3' }), 'malformed-arn'));
  test('principal-and-not-principal', () => void expectCode(stmt({ Principal: '*', NotPrincipal: { AWS: '111111111111' } }), 'principal-and-not-principal', 'resource'));
  test('missing-principal in a resource policy', () => void expectCode(stmt({}), 'missing-principal', 'resource'));
  test('principal-not-allowed in identity policies and SCPs', () => {
    expectCode(stmt({ Principal: '*' }), 'principal-not-allowed');
    expectCode(stmt({ Principal: '*' }), 'principal-not-allowed', 'scp');
  });
  test('bad-principal: wildcards are not allowed in principal ARNs', () => {
    const found = expectCode(stmt({ Principal: { AWS: 'arn:aws:iam::111111111111:role/*' } }), 'bad-principal', 'resource');
    assert.match(found.message, /wildcards are not allowed/);
    expectCode(stmt({ Principal: { Group: 'x' } }), 'bad-principal', 'resource');
  });
  test('not-principal-with-allow is a warning', () => void expectCode(stmt({ NotPrincipal: { AWS: '111111111111' } }), 'not-principal-with-allow', 'resource', 'warning'));
  test('rcp-allow-not-supported and rcp-principal-must-be-star', () => {
    expectCode(stmt({ Principal: '*' }), 'rcp-allow-not-supported', 'rcp');
    expectCode({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '111111111111' }, Action: 's3:*', Resource: '*' }] }, 'rcp-principal-must-be-star', 'rcp');
  });
  test('bad-condition', () => void expectCode(stmt({ Condition: ['x'] }), 'bad-condition'));
  test('unknown-condition-operator with a suggestion', () => {
    const found = expectCode(stmt({ Condition: { StringEqualz: { 'aws:username': 'a' } } }), 'unknown-condition-operator');
    assert.equal(found.path, '$.Statement[0].Condition.StringEqualz');
    assert.match(found.message, /did you mean `StringEquals`/);
  });
  test('bad-condition-value per operator family', () => {
    expectCode(stmt({ Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }), 'bad-condition-value');
    expectCode(stmt({ Condition: { DateGreaterThan: { 'aws:CurrentTime': 'yesterday' } } }), 'bad-condition-value');
    expectCode(stmt({ Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }), 'bad-condition-value');
    expectCode(stmt({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }), 'bad-condition-value');
    expectCode(stmt({ Condition: { BinaryEquals: { 'x:key': 'not base64!' } } }), 'bad-condition-value');
    expectCode(stmt({ Condition: { StringEquals: { 'aws:username': { a: 1 } } } }), 'bad-condition-value');
    expectCode(stmt({ Condition: { StringEquals: { 'aws:username': [] } } }), 'bad-condition-value');
  });
  test('malformed-arn in Arn operators', () => void expectCode(stmt({ Condition: { ArnLike: { 'aws:SourceArn': 'my-bucket' } } }), 'malformed-arn'));
  test('bad-condition-key', () => void expectCode(stmt({ Condition: { StringEquals: { username: 'a' } } }), 'bad-condition-key'));
  test('if-exists-with-null', () => void expectCode(stmt({ Condition: { NullIfExists: { 'aws:username': 'true' } } }), 'if-exists-with-null'));
  test('bad-variable: an unterminated variable', () => void expectCode(stmt({ Resource: 'arn:aws:s3:::home/${aws:username' }), 'bad-variable'));
  test('variables-ignored under 2008-10-17 is a warning', () => {
    const parsed = issuesOf({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::home/${aws:username}' }] });
    assert.ok(parsed.ok);
    assert.ok(parsed.issues.some((i) => i.code === 'variables-ignored' && i.severity === 'warning'));
  });
  test('every mistake is reported at once', () => {
    const parsed = issuesOf({ Version: 'x', Statement: [{ Effect: 'Maybe', Action: 'nope', Resource: 'arn:x', Condition: { Foo: {} } }] });
    assert.equal(parsed.ok, false);
    const codes = new Set(parsed.issues.map((i) => i.code));
    for (const code of ['bad-version', 'bad-effect', 'bad-action', 'malformed-arn', 'unknown-condition-operator'] as const) assert.ok(codes.has(code), code);
  });
  test('never throws, whatever the input', () => {
    for (const input of [undefined, null, 0, 'null', '', '{', [], { Statement: null }, { Statement: [null] }, { Statement: { Condition: 5 } }]) {
      const parsed = parsePolicy(input, { type: 'identity' });
      assert.equal(parsed.ok, false);
    }
  });
  test('normalizes: single values become lists, JSON booleans and numbers become strings', () => {
    const parsed = parsePolicy(stmt({ Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 's3:max-keys': 10 } } }), { type: 'identity' });
    assert.ok(parsed.ok);
    const s = parsed.value.statements[0]!;
    assert.deepEqual(s.actions, ['s3:GetObject']);
    assert.deepEqual(s.conditions.map((c) => c.values), [['true'], ['10']]);
  });
});

describe('parsePolicy: what AWS accepts is accepted', () => {
  const trust = (condition: Record<string, unknown>, principal: Record<string, unknown> = { Federated: 'arn:aws:iam::111122223333:oidc-provider/example' }) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }],
  });
  test('condition keys of identity providers, with the path of an OpenID Connect provider before the colon', () => {
    const keys = [
      'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub',
      'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud',
      'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:amr',
      'token.actions.githubusercontent.com:sub',
      'accounts.google.com:aud',
      'cognito-identity.amazonaws.com:amr',
      'graph.facebook.com:id',
      'www.amazon.com:user_id',
      'sts.windows.net/11111111-2222-3333-4444-555555555555/:aud',
      'saml:aud',
      'saml:sub_type',
    ];
    for (const key of keys) {
      const parsed = issuesOf(trust({ StringEquals: { [key]: 'x' } }), 'resource');
      assert.deepEqual(parsed.issues, [], key);
      assert.ok(parsed.ok, key);
    }
  });
  test('bad-condition-key still rejects what is no key', () => {
    for (const key of ['username', 'oidc.example.com/id/ABC', ':sub', 'a b:c', 'host/path with space:sub']) {
      const parsed = issuesOf(trust({ StringEquals: { [key]: 'x' } }), 'resource');
      assert.ok(parsed.issues.some((i) => i.code === 'bad-condition-key'), key);
    }
  });
  test('the CloudFront origin access identity principal, with the spaces in its name', () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] };
    const parsed = issuesOf(policy, 'resource');
    assert.deepEqual(parsed.issues, []);
  });
  test('bad-principal: only that exact form of a non-account principal ARN', () => {
    for (const aws of ['arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity', 'arn:aws:iam::cloudfront:user/Someone Else E2EXAMPLE', 'arn:aws:iam::cloudfront:role/CloudFront Origin Access Identity E2EXAMPLE', 'arn:aws:iam::example:user/alice']) {
      const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] };
      assert.ok(issuesOf(policy, 'resource').issues.some((i) => i.code === 'bad-principal'), aws);
    }
  });
});

describe('parsePolicy: unknown-variable, rcp-not-action-not-supported, operator case', () => {
  test('unknown-variable: a variable that is not a context key is a warning, in Resource and in condition values', () => {
    const inResource = expectCode(stmt({ Resource: 'arn:aws:s3:::bucket-${Account}/*' }), 'unknown-variable', 'identity', 'warning');
    assert.match(inResource.message, /`\$\{Account\}` is not a context key/);
    assert.match(inResource.message, /matches nothing/);
    const inCondition = expectCode(stmt({ Condition: { StringEquals: { 'aws:PrincipalTag/team': '${Team}' } } }), 'unknown-variable', 'identity', 'warning');
    assert.match(inCondition.message, /`\$\{Team\}`/);
    const withDefault = expectCode(stmt({ Resource: "arn:aws:s3:::bucket-${Account, 'shared'}/*" }), 'unknown-variable', 'identity', 'warning');
    assert.match(withDefault.message, /default is always used/);
  });
  test('context keys and the special characters are not unknown variables', () => {
    for (const resource of ['arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::b/${aws:PrincipalTag/team}/*', 'arn:aws:s3:::b/${*}${?}${$}', "arn:aws:s3:::b/${ aws:PrincipalTag/team , 'none' }"]) {
      const parsed = issuesOf(stmt({ Resource: resource }));
      assert.deepEqual(parsed.issues.map((i) => i.code), [], resource);
    }
  });
  test('rcp-not-action-not-supported: NotAction in a resource control policy is an error', () => {
    const rcp = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', NotAction: 's3:GetObject', Resource: '*' }] };
    const found = expectCode(rcp, 'rcp-not-action-not-supported', 'rcp');
    assert.match(found.message, /do not support `NotAction`/);
    // the same statement in an SCP is fine
    assert.ok(issuesOf({ ...rcp, Statement: [{ Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }] }, 'scp').ok);
  });
  test('Action "*" in a resource control policy is accepted, as in the RCP syntax page example', () => {
    const rcp = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }] };
    assert.deepEqual(issuesOf(rcp, 'rcp').issues, []);
  });
  test('operator names are case-sensitive: `stringequals` is unknown, and the right spelling is suggested', () => {
    const found = expectCode(stmt({ Condition: { stringequals: { 'aws:username': 'a' } } }), 'unknown-condition-operator');
    assert.match(found.message, /did you mean `StringEquals` \(operator names are case-sensitive\)/);
    const prefixed = expectCode(stmt({ Condition: { 'forAnyValue:stringLikeIfExists': { 'aws:TagKeys': 'a' } } }), 'unknown-condition-operator');
    assert.match(prefixed.message, /did you mean `ForAnyValue:StringLikeIfExists`/);
  });
});
