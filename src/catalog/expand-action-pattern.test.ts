import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandActionPattern } from './expand-action-pattern.ts';
import { loadCatalog } from './load-catalog.ts';

const catalog = loadCatalog();
const actions = (pattern: string): string[] => expandActionPattern(catalog, pattern).map((info) => info.action);

describe('expandActionPattern', () => {
  it('expands ec2:Describe* to the many Describe actions of EC2', () => {
    const expanded = expandActionPattern(catalog, 'ec2:Describe*');
    assert.ok(expanded.length > 100, `only ${expanded.length}`);
    assert.ok(expanded.every((info) => info.service === 'ec2' && info.name.startsWith('Describe')));
    assert.ok(actions('ec2:Describe*').includes('ec2:DescribeInstances'));
    const all = catalog.actionsOf('ec2').filter((info) => info.name.startsWith('Describe'));
    assert.equal(expanded.length, all.length);
  });

  it('expands * to every action', () => {
    const total = catalog.services().reduce((sum, prefix) => sum + catalog.actionsOf(prefix).length, 0);
    assert.equal(expandActionPattern(catalog, '*').length, total);
    assert.equal(expandActionPattern(catalog, '**').length, total);
  });

  it('expands a service wildcard to the whole service', () => {
    assert.equal(expandActionPattern(catalog, 's3:*').length, catalog.actionsOf('s3').length);
  });

  it('matches a * in the middle and at the start', () => {
    assert.deepEqual(actions('iam:Put*Policy'), ['iam:PutGroupPolicy', 'iam:PutRolePolicy', 'iam:PutUserPolicy']);
    const objects = actions('s3:*Object');
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) assert.ok(objects.includes(action), action);
    assert.ok(objects.every((action) => action.toLowerCase().endsWith('object') && action.startsWith('s3:')));
  });

  it('matches ? as exactly one character', () => {
    assert.deepEqual(actions('s3:Get?bject'), ['s3:GetObject']);
    assert.deepEqual(actions('s3:GetO?ject?'), []);
    assert.deepEqual(actions('sts:AssumeRol?'), ['sts:AssumeRole']);
  });

  it('ignores case', () => {
    assert.deepEqual(actions('IAM:put*POLICY'), actions('iam:Put*Policy'));
    assert.deepEqual(actions('S3:GETOBJECT'), ['s3:GetObject']);
  });

  it('matches wildcards in the service part, across services', () => {
    const expanded = actions('s3*:GetObject');
    assert.ok(expanded.includes('s3:GetObject'));
    assert.ok(expanded.every((action) => action.startsWith('s3')));
    const everywhere = expandActionPattern(catalog, '*:Get*Policy');
    assert.ok(new Set(everywhere.map((info) => info.service)).size > 10);
    assert.ok(everywhere.some((info) => info.action === 's3:GetBucketPolicy'));
  });

  it('lets * match across the colon, as IAM does', () => {
    assert.ok(actions('s3*Object').includes('s3:GetObject'));
    assert.ok(actions('*:GetObject').includes('s3:GetObject'));
  });

  it('returns nothing for unknown services, unknown actions and names without a colon', () => {
    assert.deepEqual(actions('s4:*'), []);
    assert.deepEqual(actions('ec2:Descrbe*'), []);
    assert.deepEqual(actions('GetObject'), []);
    assert.deepEqual(actions(''), []);
  });

  it('returns a literal action when there is no wildcard', () => {
    assert.deepEqual(actions('s3:getobject'), ['s3:GetObject']);
  });

  it('treats regular-expression characters literally', () => {
    assert.deepEqual(actions('s3:.*'), []);
    assert.deepEqual(actions('s3:(Get|Put)Object'), []);
    assert.deepEqual(actions('s3:[G]etObject'), []);
  });

  it('keeps catalog order: by service, then by name', () => {
    const expanded = expandActionPattern(catalog, '*:List*');
    const order = expanded.map((info) => `${info.service} ${info.name.toLowerCase()}`);
    const sorted = [...expanded]
      .sort((a, b) => (a.service === b.service ? (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1) : a.service < b.service ? -1 : 1))
      .map((info) => `${info.service} ${info.name.toLowerCase()}`);
    assert.deepEqual(order, sorted);
  });

  it('caches results and hands them out frozen', () => {
    const first = expandActionPattern(catalog, 'kms:*');
    assert.equal(expandActionPattern(catalog, 'KMS:*'), first);
    assert.ok(Object.isFrozen(first));
  });
});
