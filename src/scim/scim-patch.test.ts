/** PATCH (RFC 7644 §3.5.2) and resource normalisation, each vendor quirk named in its test */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scimTypeOf } from './scim-error.ts';
import { applyPatch } from './scim-patch.ts';
import { normalizeResource, type JsonObject } from './scim-resource.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_RESOURCE, GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_RESOURCE, USER_SCHEMA } from './scim-schemas.ts';

const user: JsonObject = normalizeResource(
  USER_RESOURCE,
  {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName: 'alice@example.com',
    active: true,
    name: { givenName: 'Alice', familyName: 'Liddell' },
    emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
    [ENTERPRISE_USER_SCHEMA]: { department: 'Platform' },
  },
  { requireSchemas: true },
);
const group: JsonObject = normalizeResource(GROUP_RESOURCE, { schemas: [GROUP_SCHEMA], displayName: 'Developers', members: [{ value: 'u1' }, { value: 'u2' }, { value: 'u3' }] }, { requireSchemas: true });

function patchUser(...operations: unknown[]): JsonObject {
  return applyPatch({ resource: USER_RESOURCE, id: 'u1' }, user, { schemas: [PATCH_OP_SCHEMA], Operations: operations });
}
function patchGroup(...operations: unknown[]): JsonObject {
  return applyPatch({ resource: GROUP_RESOURCE, id: 'g1' }, group, { schemas: [PATCH_OP_SCHEMA], Operations: operations });
}
function fails(scimType: string, message?: RegExp) {
  return (error: unknown): boolean => scimTypeOf(error) === scimType && (message === undefined || message.test((error as Error).message));
}
const memberIds = (g: JsonObject): unknown[] => ((g['members'] as JsonObject[] | undefined) ?? []).map((m) => m['value']);

describe('scim resources', () => {
  test('attribute names are canonicalised, read-only attributes and the password dropped, schemas listed', () => {
    const normalized = normalizeResource(
      USER_RESOURCE,
      { schemas: [USER_SCHEMA], USERNAME: 'x@example.com', Name: { GivenName: 'X' }, id: 'chosen-by-client', meta: { resourceType: 'User' }, groups: [], password: 'secret' },
      { requireSchemas: true },
    );
    assert.deepEqual(normalized, { userName: 'x@example.com', name: { givenName: 'X' }, schemas: [USER_SCHEMA] });
  });

  test('Entra quirk: "True" and "False" as strings become booleans (a truthiness test would read "False" as true)', () => {
    assert.equal(normalizeResource(USER_RESOURCE, { schemas: [USER_SCHEMA], userName: 'x', active: 'False' }, { requireSchemas: true })['active'], false);
    assert.equal(normalizeResource(USER_RESOURCE, { schemas: [USER_SCHEMA], userName: 'x', active: 'True' }, { requireSchemas: true })['active'], true);
    assert.throws(() => normalizeResource(USER_RESOURCE, { schemas: [USER_SCHEMA], userName: 'x', active: 'no' }, { requireSchemas: true }), fails('invalidValue', /true or false/));
  });

  test('wrong schemas, unknown attributes, missing userName, wrong types are refused', () => {
    assert.throws(() => normalizeResource(USER_RESOURCE, { userName: 'x' }, { requireSchemas: true }), fails('invalidSyntax', /schemas/));
    assert.throws(() => normalizeResource(USER_RESOURCE, { schemas: [GROUP_SCHEMA], userName: 'x' }, { requireSchemas: true }), fails('invalidSyntax', /must include/));
    assert.throws(() => normalizeResource(USER_RESOURCE, { schemas: [USER_SCHEMA, 'urn:example:custom'], userName: 'x' }, { requireSchemas: true }), fails('invalidSyntax', /not a schema of User/));
    assert.throws(() => normalizeResource(USER_RESOURCE, { schemas: [USER_SCHEMA], userName: 'x', shoeSize: 9 }, { requireSchemas: true }), fails('invalidSyntax', /`shoeSize`/));
    assert.throws(() => normalizeResource(USER_RESOURCE, { schemas: [USER_SCHEMA], displayName: 'x' }, { requireSchemas: true }), fails('invalidValue', /`userName` is required/));
    assert.throws(() => normalizeResource(USER_RESOURCE, { schemas: [USER_SCHEMA], userName: 'x', name: 'X' }, { requireSchemas: true }), fails('invalidValue', /must be an object/));
    assert.throws(() => normalizeResource(USER_RESOURCE, [], { requireSchemas: true }), fails('invalidSyntax'));
  });
});

describe('scim patch', () => {
  test('Entra quirk: capitalised op names, and `"active": "False"` by path, deactivate', () => {
    assert.equal(patchUser({ op: 'Replace', path: 'active', value: 'False' })['active'], false);
    assert.equal(patchUser({ op: 'REPLACE', path: 'active', value: false })['active'], false);
  });

  test('Okta: replace without a path, the resource id repeated in the value (Okta quirk)', () => {
    const patched = applyPatch({ resource: GROUP_RESOURCE, id: 'g1' }, group, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', value: { id: 'g1', displayName: 'Devs' } }] });
    assert.equal(patched['displayName'], 'Devs');
    assert.throws(() => applyPatch({ resource: GROUP_RESOURCE, id: 'g1' }, group, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', value: { id: 'other' } }] }), fails('mutability'));
  });

  test('Okta: a password change is accepted and not kept', () => {
    const patched = patchUser({ op: 'replace', value: { password: 'new-secret' } });
    assert.equal(patched['password'], undefined);
    assert.deepEqual(patched, user);
  });

  test('Entra quirk: the ADSCIM group schema next to the core one is accepted and not kept', () => {
    const entra = normalizeResource(GROUP_RESOURCE, { schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'], displayName: 'G' }, { requireSchemas: true });
    assert.deepEqual(entra['schemas'], [GROUP_SCHEMA]);
  });

  test('dotted and URN-qualified keys inside a path-less value are paths (Entra and Okta quirk)', () => {
    const patched = patchUser({ op: 'replace', value: { 'name.givenName': 'Alicia', [`${ENTERPRISE_USER_SCHEMA}:department`]: 'Security', active: 'False' } });
    assert.deepEqual(patched['name'], { givenName: 'Alicia', familyName: 'Liddell' });
    assert.deepEqual(patched[ENTERPRISE_USER_SCHEMA], { department: 'Security' });
    assert.equal(patched['active'], false);
    const nested = patchUser({ op: 'add', value: { [ENTERPRISE_USER_SCHEMA]: { costCenter: '42' } } });
    assert.deepEqual(nested[ENTERPRISE_USER_SCHEMA], { department: 'Platform', costCenter: '42' });
  });

  test('Entra quirk: the manager as a bare id', () => {
    const patched = patchUser({ op: 'Add', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: 'M1' });
    assert.deepEqual((patched[ENTERPRISE_USER_SCHEMA] as JsonObject)['manager'], { value: 'M1' });
  });

  test('filtered paths: replace a matching value, and Entra quirk: create it when nothing matches an eq filter', () => {
    const replaced = patchUser({ op: 'replace', path: 'emails[type eq "work"].value', value: 'alice@new.example' });
    assert.deepEqual(replaced['emails'], [{ value: 'alice@new.example', type: 'work', primary: true }]);
    const created = patchUser({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' });
    assert.deepEqual(created['phoneNumbers'], [{ type: 'mobile', value: '+1 555 0100' }]);
    assert.throws(() => patchUser({ op: 'replace', path: 'emails[value co "nothing"].type', value: 'x' }), fails('noTarget', /Operations\[0\]/));
    const removed = patchUser({ op: 'remove', path: 'emails[type eq "work"]' });
    assert.equal(removed['emails'], undefined);
  });

  test('add, replace and remove whole attributes and sub-attributes', () => {
    const added = patchUser({ op: 'add', path: 'emails', value: [{ value: 'alice@home.example', type: 'home' }, { value: 'alice@example.com', type: 'work', primary: true }] });
    assert.equal((added['emails'] as unknown[]).length, 2);
    assert.equal(patchUser({ op: 'add', path: 'title', value: 'Engineer' })['title'], 'Engineer');
    assert.deepEqual(patchUser({ op: 'replace', path: 'name', value: { familyName: 'L.' } })['name'], { givenName: 'Alice', familyName: 'L.' });
    assert.deepEqual(patchUser({ op: 'remove', path: 'name.givenName' })['name'], { familyName: 'Liddell' });
    assert.equal(patchUser({ op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:department` })[ENTERPRISE_USER_SCHEMA], undefined);
  });

  test('group members: add (no duplicates), remove by filter (Okta), remove by value list (Entra quirk), replace all', () => {
    assert.deepEqual(memberIds(patchGroup({ op: 'add', path: 'members', value: [{ value: 'u4', display: 'dora' }, { value: 'u1' }] })), ['u1', 'u2', 'u3', 'u4']);
    assert.deepEqual(memberIds(patchGroup({ op: 'remove', path: 'members[value eq "u2"]' })), ['u1', 'u3']);
    assert.deepEqual(memberIds(patchGroup({ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'u3' }] })), ['u2']);
    assert.deepEqual(memberIds(patchGroup({ op: 'remove', path: 'members[value eq "absent"]' })), ['u1', 'u2', 'u3']);
    assert.deepEqual(memberIds(patchGroup({ op: 'replace', path: 'members', value: [{ value: 'u9' }] })), ['u9']);
    assert.deepEqual(memberIds(patchGroup({ op: 'remove', path: 'members' })), []);
  });

  test('refusals: no op, unknown op, remove without path, read-only and required attributes, unknown paths, too many operations', () => {
    assert.throws(() => applyPatch({ resource: USER_RESOURCE, id: 'u1' }, user, { Operations: [{ op: 'add', path: 'title', value: 'x' }] }), fails('invalidSyntax', /PatchOp/));
    assert.throws(() => patchUser(), fails('invalidSyntax', /non-empty/));
    assert.throws(() => patchUser({ op: 'move', path: 'title' }), fails('invalidSyntax', /Operations\[0\]: `op`/));
    assert.throws(() => patchUser({ op: 'remove' }), fails('noTarget'));
    assert.throws(() => patchUser({ op: 'replace', path: 'id', value: 'x' }), fails('mutability'));
    assert.throws(() => patchUser({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), fails('mutability'));
    assert.throws(() => patchUser({ op: 'remove', path: 'userName' }), fails('mutability', /required/));
    assert.throws(() => patchUser({ op: 'add', path: 'title', value: 'ok' }, { op: 'replace', path: 'shoeSize', value: 9 }), fails('invalidPath', /Operations\[1\]: `shoeSize`/));
    assert.throws(() => patchUser({ op: 'replace', path: 'emails[colour eq "red"].value', value: 'x' }), fails('invalidPath'));
    assert.throws(() => patchUser({ op: 'replace', path: 'active', value: 'maybe' }), fails('invalidValue'));
    assert.throws(() => patchUser({ op: 'replace', path: 'userName', value: '' }), fails('invalidValue', /required/));
    assert.throws(() => patchUser(...Array.from({ length: 1001 }, () => ({ op: 'add', path: 'title', value: 'x' }))), fails('tooMany'));
  });

  test('a failing operation leaves the input untouched', () => {
    const before = structuredClone(user);
    assert.throws(() => patchUser({ op: 'replace', path: 'title', value: 'x' }, { op: 'remove' }));
    assert.deepEqual(user, before);
  });
});
