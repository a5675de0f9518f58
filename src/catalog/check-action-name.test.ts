import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkActionName } from './check-action-name.ts';
import { loadCatalog } from './load-catalog.ts';

const catalog = loadCatalog();

describe('checkActionName', () => {
  it('knows documented actions in any case', () => {
    assert.deepEqual(checkActionName(catalog, 's3:GetObject'), { known: true });
    assert.deepEqual(checkActionName(catalog, 'IAM:putrolepolicy'), { known: true });
  });

  it('suggests the nearest action of the same service for a typo', () => {
    assert.deepEqual(checkActionName(catalog, 's3:GetObjet'), { known: false, reason: 'unknown-action', suggestion: 's3:GetObject' });
    assert.deepEqual(checkActionName(catalog, 'iam:PutRolePolcy'), { known: false, reason: 'unknown-action', suggestion: 'iam:PutRolePolicy' });
    assert.deepEqual(checkActionName(catalog, 'sts:AsumeRole'), { known: false, reason: 'unknown-action', suggestion: 'sts:AssumeRole' });
  });

  it('counts a swap of two neighbouring letters as one typo', () => {
    assert.deepEqual(checkActionName(catalog, 's3:GetObejct'), { known: false, reason: 'unknown-action', suggestion: 's3:GetObject' });
  });

  it('suggests in the canonical case whatever case was typed', () => {
    assert.deepEqual(checkActionName(catalog, 'S3:GETOBJET'), { known: false, reason: 'unknown-action', suggestion: 's3:GetObject' });
  });

  it('suggests nothing when no action is near', () => {
    assert.deepEqual(checkActionName(catalog, 's3:LaunchRockets'), { known: false, reason: 'unknown-action' });
    assert.deepEqual(checkActionName(catalog, 's3:'), { known: false, reason: 'unknown-action' });
    assert.deepEqual(checkActionName(catalog, 's3'), { known: false, reason: 'unknown-action' });
  });

  it('reports an unknown service, without guessing from a very short prefix', () => {
    assert.deepEqual(checkActionName(catalog, 's4:GetObject'), { known: false, reason: 'unknown-service' });
    assert.deepEqual(checkActionName(catalog, 'GetObject'), { known: false, reason: 'unknown-service' });
    assert.deepEqual(checkActionName(catalog, ''), { known: false, reason: 'unknown-service' });
  });

  it('suggests the action in a service whose prefix is near', () => {
    assert.deepEqual(checkActionName(catalog, 'lamda:InvokeFunction'), {
      known: false,
      reason: 'unknown-service',
      suggestion: 'lambda:InvokeFunction',
    });
    assert.deepEqual(checkActionName(catalog, 'lamda:InvokeFuntion'), {
      known: false,
      reason: 'unknown-service',
      suggestion: 'lambda:InvokeFunction',
    });
  });

  it('is not a pattern matcher: wildcards are unknown names', () => {
    assert.equal(checkActionName(catalog, 's3:Get*').known, false);
  });
});
