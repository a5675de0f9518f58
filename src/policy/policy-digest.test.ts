import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson } from './canonical-json.ts';
import { parsePolicy, type Policy, type PolicyType } from './index.ts';
import { policyDigest, policyDocument } from './policy-digest.ts';

function parse(text: string, type: PolicyType = 'identity', name = 'p'): Policy {
  const parsed = parsePolicy(text, { type, name });
  assert.ok(parsed.ok, JSON.stringify(parsed.issues));
  return parsed.value;
}

const BASE = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*",
      "Condition": { "Bool": { "aws:SecureTransport": true } } },
    { "Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*" }
  ]
}`;

describe('policyDigest', () => {
  it('is sha256 of the canonical JSON of the document in AWS shape', () => {
    const policy = parse(BASE);
    const canonical =
      '{"Statement":[{"Action":["s3:GetObject"],"Condition":{"Bool":{"aws:SecureTransport":["true"]}},"Effect":"Allow","Resource":["arn:aws:s3:::bucket/*"],"Sid":"Read"},' +
      '{"Effect":"Deny","NotAction":["iam:*"],"Resource":["*"]}],"Version":"2012-10-17"}';
    assert.equal(canonicalJson(policyDocument(policy)), canonical);
    assert.equal(policyDigest(policy), `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`);
  });

  it('does not change with white space, member order, single values written as lists, the name or the type', () => {
    const reordered = `{"Statement":[{"Resource":["arn:aws:s3:::bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}},"Action":["s3:GetObject"],"Effect":"Allow","Sid":"Read"},
      {"Resource":["*"],"NotAction":"iam:*","Effect":"Deny"}],"Version":"2012-10-17"}`;
    assert.equal(policyDigest(parse(reordered, 'permissionBoundary', 'other')), policyDigest(parse(BASE)));
  });

  it('changes with anything the engine reads: an action, a statement order, an effect, a condition value, the version', () => {
    const base = policyDigest(parse(BASE));
    const edits = [
      BASE.replace('s3:GetObject', 's3:PutObject'),
      BASE.replace('"Deny"', '"Allow"'),
      BASE.replace('true }', 'false }'),
      BASE.replace('2012-10-17', '2008-10-17'),
      BASE.replace('"Sid": "Read", ', ''),
      `{"Version":"2012-10-17","Statement":[${JSON.stringify((JSON.parse(BASE) as { Statement: unknown[] }).Statement[1])},${JSON.stringify((JSON.parse(BASE) as { Statement: unknown[] }).Statement[0])}]}`,
    ];
    const digests = edits.map((text) => policyDigest(parse(text)));
    for (const [i, digest] of digests.entries()) assert.notEqual(digest, base, `edit ${i}`);
    assert.equal(new Set(digests).size, digests.length);
  });

  it('writes principals in one form: "*" and {"AWS": "*"} are the same, lists keep their types', () => {
    const withPrincipal = (principal: string) =>
      parse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":${principal},"Action":"s3:GetObject","Resource":"*"}}`, 'resource');
    assert.equal(policyDigest(withPrincipal('"*"')), policyDigest(withPrincipal('{"AWS":"*"}')));
    assert.equal(policyDigest(withPrincipal('{"AWS":"111122223333"}')), policyDigest(withPrincipal('{"AWS":["111122223333"]}')));
    assert.notEqual(policyDigest(withPrincipal('{"AWS":"111122223333"}')), policyDigest(withPrincipal('"*"')));
    assert.deepEqual((policyDocument(withPrincipal('{"AWS":"*","Service":"s3.amazonaws.com"}')) as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal, {
      AWS: ['*'],
      Service: ['s3.amazonaws.com'],
    });
  });
});
