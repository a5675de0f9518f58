import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog } from './load-catalog.ts';
import { unknownActionChecker } from './unknown-action-checker.ts';

const check = unknownActionChecker(loadCatalog());

describe('unknownActionChecker', () => {
  it('accepts known actions in any case', () => {
    assert.equal(check('s3:GetObject'), undefined);
    assert.equal(check('s3:getobject'), undefined);
    assert.equal(check('IAM:PutRolePolicy'), undefined);
  });

  it('accepts patterns that match at least one known action', () => {
    for (const pattern of ['*', 's3:*', 'ec2:Describe*', 's3:*Object', 'iam:Put*Policy', 's3:Get?bject', '*:Get*', 's3*']) {
      assert.equal(check(pattern), undefined, pattern);
    }
  });

  it('names an unknown action and the nearest known one', () => {
    assert.equal(check('s3:GetObjet'), 'unknown action `s3:GetObjet`: did you mean `s3:GetObject`');
    assert.equal(check('iam:PutRolePolcy'), 'unknown action `iam:PutRolePolcy`: did you mean `iam:PutRolePolicy`');
  });

  it('names an unknown action without a suggestion when none is near', () => {
    assert.equal(check('s3:LaunchRockets'), 'unknown action `s3:LaunchRockets`');
  });

  it('names an unknown service', () => {
    assert.equal(check('s4:GetObject'), 'unknown service `s4`');
    assert.equal(check('lamda:InvokeFunction'), 'unknown service `lamda`: did you mean `lambda:InvokeFunction`');
  });

  it('names an unknown service in a pattern, with the nearest service', () => {
    assert.equal(check('s4:*'), 'unknown service `s4`');
    assert.equal(check('lamda:*'), 'unknown service `lamda`: did you mean `lambda`');
  });

  it('names a pattern that matches nothing', () => {
    assert.equal(check('ec2:Descrbe*'), 'action pattern `ec2:Descrbe*` matches no known action');
    assert.equal(check('s3:Get?bjects'), 'action pattern `s3:Get?bjects` matches no known action');
    assert.equal(check('*:NoSuchThing*'), 'action pattern `*:NoSuchThing*` matches no known action');
  });

  it('names an action without a service prefix', () => {
    assert.equal(check('GetObject'), 'malformed action `GetObject`: expected `service:action`');
    assert.equal(check(''), 'malformed action ``: expected `service:action`');
  });

  it('quotes the input as written and answers the same when asked again', () => {
    assert.equal(check('S3:GETOBJET'), 'unknown action `S3:GETOBJET`: did you mean `s3:GetObject`');
    assert.equal(check('S3:GETOBJET'), 'unknown action `S3:GETOBJET`: did you mean `s3:GetObject`');
    assert.equal(check('s3:GetObject'), undefined);
  });

  it('writes messages in the project style: lower case start, no final period', () => {
    for (const action of ['s3:GetObjet', 's4:x', 'ec2:Descrbe*', 'GetObject']) {
      const message = check(action);
      assert.ok(message !== undefined && /^[a-z]/.test(message) && !message.endsWith('.'), message);
    }
  });
});
