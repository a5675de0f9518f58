import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParapetError } from '../policy/index.ts';
import { type Interner, parseIamAction } from './parse-iam-action.ts';

const plain: Interner = { text: (value) => value, list: (values) => values };

const raw = {
  name: 'PutRolePolicy',
  description: 'Grants permission to create or update an inline policy document that is embedded with the specified IAM role',
  accessLevel: 'Permissions management, Write',
  resourceTypes: [{ name: 'role', required: true, conditionKeys: ['iam:ResourceTag'], dependentActions: [] }],
  conditionKeys: ['iam:PermissionsBoundary', 'aws:TagKeys'],
  dependentActions: [],
};

const invalidData = (error: unknown): boolean => error instanceof ParapetError && error.code === 'catalog-data-invalid';

describe('parseIamAction', () => {
  it('keeps what the catalog needs, with one access level and merged, sorted condition keys', () => {
    assert.deepEqual(parseIamAction('iam', raw, plain, 'here'), {
      service: 'iam',
      name: 'PutRolePolicy',
      action: 'iam:PutRolePolicy',
      accessLevel: 'Permissions management',
      resourceTypes: ['role'],
      conditionKeys: ['aws:TagKeys', 'iam:PermissionsBoundary', 'iam:ResourceTag'],
    });
  });

  it('lists a condition key once when the action and a resource type both have it', () => {
    const both = { ...raw, resourceTypes: [{ name: 'role', conditionKeys: ['aws:TagKeys'] }] };
    assert.deepEqual(parseIamAction('iam', both, plain, 'here').conditionKeys, ['aws:TagKeys', 'iam:PermissionsBoundary']);
  });

  it('rejects shapes it does not understand, saying where', () => {
    assert.throws(() => parseIamAction('iam', null, plain, 'actions/iam.json: action `x`'), invalidData);
    assert.throws(() => parseIamAction('iam', { ...raw, name: 7 }, plain, 'here'), invalidData);
    assert.throws(() => parseIamAction('iam', { ...raw, accessLevel: 'Admin' }, plain, 'here'), /here: unknown access level `Admin`/);
    assert.throws(() => parseIamAction('iam', { ...raw, conditionKeys: 'aws:TagKeys' }, plain, 'here'), invalidData);
    assert.throws(() => parseIamAction('iam', { ...raw, resourceTypes: [{ name: 'role' }] }, plain, 'here'), invalidData);
    assert.throws(() => parseIamAction('iam', { ...raw, resourceTypes: undefined }, plain, 'here'), invalidData);
  });
});
