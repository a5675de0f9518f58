/** SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2): parse, resolve against the schema, evaluate */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scimTypeOf } from './scim-error.ts';
import { checkFilter, matchesFilter, parseFilter, parsePatchPath, type Scope } from './scim-filter.ts';
import { ENTERPRISE_USER_SCHEMA, GROUP_RESOURCE, USER_RESOURCE } from './scim-schemas.ts';

const users: Scope = { kind: 'resource', resource: USER_RESOURCE };
const groups: Scope = { kind: 'resource', resource: GROUP_RESOURCE };

const alice = {
  id: 'A1',
  externalId: 'ext-Alice',
  userName: 'Alice@Example.com',
  active: true,
  title: 'Engineer',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  meta: { lastModified: '2026-12-06T10:00:00.000Z' },
  [ENTERPRISE_USER_SCHEMA]: { department: 'Platform', manager: { value: 'M1' } },
};
const bob = { id: 'B1', userName: 'bob@example.com', active: false, emails: [{ value: 'bob@example.com', type: 'work' }], meta: { lastModified: '2026-12-07T10:00:00.000Z' } };

function select(text: string): string[] {
  const filter = parseFilter(text);
  checkFilter(users, filter);
  return [alice, bob].filter((user) => matchesFilter(users, user, filter)).map((user) => user.id);
}

function scimFailure(scimType: string, message?: RegExp) {
  return (error: unknown): boolean => scimTypeOf(error) === scimType && (message === undefined || message.test((error as Error).message));
}

describe('scim filters', () => {
  test('every comparison operator, with userName and attribute names compared case-insensitively', () => {
    assert.deepEqual(select('userName eq "alice@example.COM"'), ['A1']);
    assert.deepEqual(select('USERNAME Eq "alice@example.com"'), ['A1']);
    assert.deepEqual(select('userName ne "alice@example.com"'), ['B1']);
    assert.deepEqual(select('userName co "EXAMPLE"'), ['A1', 'B1']);
    assert.deepEqual(select('userName sw "bo"'), ['B1']);
    assert.deepEqual(select('userName ew ".com"'), ['A1', 'B1']);
    assert.deepEqual(select('title pr'), ['A1']);
    assert.deepEqual(select('meta.lastModified gt "2026-12-06T12:00:00Z"'), ['B1']);
    assert.deepEqual(select('meta.lastModified ge "2026-12-06T10:00:00Z"'), ['A1', 'B1']);
    assert.deepEqual(select('meta.lastModified lt "2026-12-06T10:00:01Z"'), ['A1']);
    assert.deepEqual(select('meta.lastModified le "2026-12-05T00:00:00Z"'), []);
    assert.deepEqual(select('active eq false'), ['B1']);
  });

  test('externalId and id are case-exact (RFC 7643 §3.1), userName is not', () => {
    assert.deepEqual(select('externalId eq "ext-Alice"'), ['A1']);
    assert.deepEqual(select('externalId eq "EXT-ALICE"'), []);
    assert.deepEqual(select('id eq "a1"'), []);
  });

  test('and binds tighter than or; not and parentheses', () => {
    assert.deepEqual(select('userName sw "bob" or userName sw "alice" and active eq false'), ['B1']);
    assert.deepEqual(select('(userName sw "bob" or userName sw "alice") and active eq true'), ['A1']);
    assert.deepEqual(select('not (active eq true)'), ['B1']);
  });

  test('multi-valued attributes: a bare attribute compares its values, value filters select one value', () => {
    assert.deepEqual(select('emails eq "alice@home.example"'), ['A1']);
    assert.deepEqual(select('emails.value co "home"'), ['A1']);
    assert.deepEqual(select('emails[type eq "work" and value ew "@example.com"]'), ['A1', 'B1']);
    assert.deepEqual(select('emails[type eq "home" and value sw "bob"]'), []);
    assert.deepEqual(select('emails[primary eq true]'), ['A1']);
  });

  test('sub-attributes and enterprise extension attributes by their full URN', () => {
    assert.deepEqual(select('name.givenName eq "alice"'), ['A1']);
    assert.deepEqual(select(`${ENTERPRISE_USER_SCHEMA}:department eq "platform"`), ['A1']);
    assert.deepEqual(select(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "M1"`), ['A1']);
    assert.deepEqual(select('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "alice"'), ['A1']);
  });

  test('group members by value', () => {
    const group = { id: 'G1', displayName: 'Developers', members: [{ value: 'A1' }, { value: 'B1' }] };
    const filter = parseFilter('displayName eq "developers" and members[value eq "B1"]');
    checkFilter(groups, filter);
    assert.equal(matchesFilter(groups, group, filter), true);
    const other = parseFilter('members eq "C1"');
    checkFilter(groups, other);
    assert.equal(matchesFilter(groups, group, other), false);
  });

  test('Entra ID: a value filter followed by a sub-attribute comparison is that comparison on the same value', () => {
    // learn.microsoft.com, "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID" (/Users)
    assert.deepEqual(parseFilter('emails[type eq "work"].value eq "alice@example.com"'), parseFilter('emails[type eq "work" and value eq "alice@example.com"]'));
    assert.deepEqual(select('emails[type eq "work"].value eq "ALICE@example.com"'), ['A1']);
    assert.deepEqual(select('emails[type eq "home"].value eq "alice@example.com"'), []);
    assert.deepEqual(select('emails[type eq "work"].value pr and active eq false'), ['B1']);
    assert.throws(() => parseFilter('emails[type eq "work"].value.x eq "a"'), scimFailure('invalidFilter'));
    assert.throws(() => parseFilter('emails[type eq "work"].value'), scimFailure('invalidFilter', /expected an operator/));
    assert.throws(() => checkFilter(users, parseFilter('emails[type eq "work"].shoe eq "a"')), scimFailure('invalidFilter', /shoe/));
  });

  test('NUL and unpaired surrogates in a filter string are refused: no database could hold them', () => {
    assert.throws(() => parseFilter('userName eq "a\\u0000"'), scimFailure('invalidFilter', /NUL/));
    assert.throws(() => parseFilter('userName eq "\\ud800"'), scimFailure('invalidFilter', /unpaired surrogate/));
    assert.deepEqual(select('userName eq "\\ud83d\\ude00"'), []);
  });

  test('malformed filters are invalidFilter, located', () => {
    assert.throws(() => parseFilter(''), scimFailure('invalidFilter', /empty/));
    assert.throws(() => parseFilter('userName eq'), scimFailure('invalidFilter', /expected a value/));
    assert.throws(() => parseFilter('userName equals "x"'), scimFailure('invalidFilter', /`equals` is not a SCIM operator/));
    assert.throws(() => parseFilter('userName eq "x" and'), scimFailure('invalidFilter'));
    assert.throws(() => parseFilter('(userName eq "x"'), scimFailure('invalidFilter', /expected `\)`/));
    assert.throws(() => parseFilter('userName eq "x") '), scimFailure('invalidFilter', /unexpected `\)` at character 16/));
    assert.throws(() => parseFilter('userName eq "unterminated'), scimFailure('invalidFilter', /unterminated/));
    assert.throws(() => parseFilter('userName eq bare'), scimFailure('invalidFilter', /expected a value/));
    assert.throws(() => parseFilter(`${'('.repeat(40)}userName pr${')'.repeat(40)}`), scimFailure('invalidFilter', /deeper/));
    assert.throws(() => parseFilter(`userName eq "${'x'.repeat(5000)}"`), scimFailure('invalidFilter', /longer/));
  });

  test('unknown attributes and type mismatches are invalidFilter, not an empty result', () => {
    assert.throws(() => checkFilter(users, parseFilter('shoeSize eq "9"')), scimFailure('invalidFilter', /`shoeSize` is not an attribute of User/));
    assert.throws(() => checkFilter(users, parseFilter('emails[colour eq "red"]')), scimFailure('invalidFilter', /`colour` is not an attribute of emails/));
    assert.throws(() => checkFilter(users, parseFilter('urn:example:custom:1.0:User:x eq "y"')), scimFailure('invalidFilter', /not a schema of User/));
    assert.throws(() => checkFilter(users, parseFilter('active gt true')), scimFailure('invalidFilter'));
    assert.throws(() => checkFilter(users, parseFilter('active eq "False"')), scimFailure('invalidFilter', /boolean/));
    assert.throws(() => checkFilter(users, parseFilter('name eq "x"')), scimFailure('invalidFilter', /complex/));
  });
});

describe('scim patch paths', () => {
  test('attribute, sub-attribute, extension, value filter with and without a sub-attribute', () => {
    assert.deepEqual(parsePatchPath('active'), { path: { schema: undefined, attribute: 'active', subAttribute: undefined }, filter: undefined, subAttribute: undefined });
    assert.deepEqual(parsePatchPath('name.givenName').path, { schema: undefined, attribute: 'name', subAttribute: 'givenName' });
    assert.deepEqual(parsePatchPath(`${ENTERPRISE_USER_SCHEMA}:manager`).path, { schema: ENTERPRISE_USER_SCHEMA, attribute: 'manager', subAttribute: undefined });
    const work = parsePatchPath('emails[type eq "work"].value');
    assert.equal(work.subAttribute, 'value');
    assert.deepEqual(work.filter, { kind: 'compare', path: { schema: undefined, attribute: 'type', subAttribute: undefined }, operator: 'eq', value: 'work' });
    const member = parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]');
    assert.equal(member.subAttribute, undefined);
    assert.equal(member.filter?.kind, 'compare');
  });

  test('malformed paths are invalidPath', () => {
    assert.throws(() => parsePatchPath('emails[type eq "work"'), scimFailure('invalidPath'));
    assert.throws(() => parsePatchPath('emails[type eq]'), scimFailure('invalidPath'));
    assert.throws(() => parsePatchPath('a.b.c'), scimFailure('invalidPath'));
    assert.throws(() => parsePatchPath('[type eq "work"]'), scimFailure('invalidPath'));
    assert.throws(() => parsePatchPath('name.givenName[type eq "x"]'), scimFailure('invalidPath'));
  });
});
