import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileActionPattern } from './compile-action-pattern.ts';

const matches = (pattern: string, action: string): boolean => compileActionPattern(pattern)(action);

describe('compileActionPattern', () => {
  it('matches literal names ignoring case', () => {
    assert.equal(matches('s3:GetObject', 'S3:GETOBJECT'), true);
    assert.equal(matches('s3:GetObject', 's3:GetObjects'), false);
  });

  it('matches * as any run, the empty run included', () => {
    assert.equal(matches('*', 'anything:AtAll'), true);
    assert.equal(matches('*', ''), true);
    assert.equal(matches('s3:*', 's3:'), true);
    assert.equal(matches('s3:Get*', 's3:Get'), true);
    assert.equal(matches('s3:Get*', 's3:PutObject'), false);
    assert.equal(matches('s3:*Object', 's3:GetObject'), true);
    assert.equal(matches('s3:*Object', 's3:GetObjectAcl'), false);
    assert.equal(matches('iam:Put*Policy', 'iam:PutRolePolicy'), true);
    assert.equal(matches('iam:Put*Policy', 'iam:PutRolePermissionsBoundary'), false);
    assert.equal(matches('a*b*c', 'abxbxc'), true);
    assert.equal(matches('a*b*c', 'abxbxcd'), false);
    assert.equal(matches('*ab', 'aab'), true);
  });

  it('matches ? as exactly one character', () => {
    assert.equal(matches('s3:Get?bject', 's3:GetObject'), true);
    assert.equal(matches('s3:Get?bject', 's3:Getbject'), false);
    assert.equal(matches('s3:Get?bject', 's3:GetOObject'), false);
    assert.equal(matches('s3:?*', 's3:'), false);
    assert.equal(matches('s3:*?', 's3:x'), true);
  });

  it('treats every other character literally', () => {
    assert.equal(matches('s3:.*', 's3:GetObject'), false);
    assert.equal(matches('s3:.*', 's3:.anything'), true);
    assert.equal(matches('s3:Get+', 's3:Gettt'), false);
  });

  it('stays fast on patterns that would make a regular expression backtrack', () => {
    const pattern = `${'*a'.repeat(30)}b`;
    const text = 'a'.repeat(200);
    const started = performance.now();
    assert.equal(matches(pattern, text), false);
    assert.ok(performance.now() - started < 100);
  });

  it('reuses compiled patterns', () => {
    assert.equal(compileActionPattern('ec2:Describe*'), compileActionPattern('EC2:describe*'));
  });
});
