/**
 * /scim/v2 in /openapi.json: every SCIM path is there with the SCIM error body, and the documented
 * schemas describe what the server really answers (validated with Ajv, JSON Schema 2020-12 as
 * OpenAPI 3.1 uses it): created, read and listed users and groups, errors; and the vendors'
 * documented request bodies are accepted by the request schemas.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/index.ts';
import { scimClient, scimToken } from './scim-test-client.test-support.ts';
import { startTestServer } from './test-server.test-support.ts';

type Json = Record<string, unknown>;

const server = await startTestServer();
after(() => server.close());
const scim = scimClient(server, (await scimToken(server, 'openapi')).token);

interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>; security?: unknown }>>;
  readonly components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

const document = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);

function valid(name: string, value: unknown): void {
  const validate = ajv.getSchema(`#/components/schemas/${name}`);
  assert.ok(validate !== undefined, name);
  assert.ok(validate(value), `${name}: ${JSON.stringify(validate.errors)} ${JSON.stringify(value).slice(0, 400)}`);
}

function invalid(name: string, value: unknown): void {
  assert.equal(ajv.getSchema(`#/components/schemas/${name}`)!(value), false, `${name} accepted ${JSON.stringify(value)}`);
}

describe('scim in /openapi.json', () => {
  test('every SCIM path and method is documented, with the SCIM error body and the SCIM token', () => {
    const expected: Record<string, string[]> = {
      '/scim/v2/Users': ['get', 'post'],
      '/scim/v2/Users/{id}': ['get', 'put', 'patch', 'delete'],
      '/scim/v2/Groups': ['get', 'post'],
      '/scim/v2/Groups/{id}': ['get', 'put', 'patch', 'delete'],
      '/scim/v2/ServiceProviderConfig': ['get'],
      '/scim/v2/ResourceTypes': ['get'],
      '/scim/v2/ResourceTypes/{id}': ['get'],
      '/scim/v2/Schemas': ['get'],
      '/scim/v2/Schemas/{id}': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      assert.deepEqual(Object.keys(document.paths[path] ?? {}).sort(), [...methods].sort(), path);
      for (const method of methods) {
        const operation = document.paths[path]![method]!;
        assert.deepEqual(operation.security, [{ scimToken: [] }], `${method} ${path}`);
        assert.equal(operation.responses['401']?.content?.['application/scim+json']?.schema.$ref, '#/components/schemas/ScimError', `${method} ${path}`);
      }
    }
    assert.ok('scimToken' in document.components.securitySchemes);
    // the rest of the API is still there, with its own error body
    assert.ok('/v1/whoami' in document.paths);
    assert.ok('Error' in document.components.schemas);
  });

  test('what the server answers is what the document says', async () => {
    const user = (await scim('POST', 'Users', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'doc@example.com',
      externalId: 'ext-doc',
      name: { givenName: 'Doc', familyName: 'Umented' },
      emails: [{ value: 'doc@example.com', type: 'work', primary: true }],
      [ENTERPRISE_USER_SCHEMA]: { department: 'Docs', manager: { value: 'm-1' } },
    })).json() as Json;
    valid('ScimUser', user);
    valid('ScimUser', (await scim('GET', `Users/${user['id'] as string}`)).json());
    const group = (await scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: 'Documented', members: [{ value: user['id'] }] })).json() as Json;
    valid('ScimGroup', group);
    const patched = (await scim('PATCH', `Groups/${group['id'] as string}`, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Documented too' }] })).json();
    valid('ScimGroup', patched);
    const users = (await scim('GET', 'Users?filter=userName%20sw%20%22doc%22')).json() as Json;
    valid('ScimListResponse', users);
    for (const resource of users['Resources'] as Json[]) valid('ScimUser', resource);
    valid('ScimListResponse', (await scim('GET', 'Schemas')).json());
    valid('ScimError', (await scim('GET', 'Users?filter=shoeSize%20eq%20%229%22')).json());
    valid('ScimError', (await scim('GET', 'Users/nobody')).json());
    // strict: an attribute the schema does not have is not documented as answered
    invalid('ScimUser', { ...user, shoeSize: 9 });
    invalid('ScimError', { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: 400, detail: 'a number is not the status' });
  });

  test('the vendors\' documented bodies are accepted by the request schemas', () => {
    // Okta, "SCIM 2.0 protocol reference": create user (with a password and groups, accepted and not kept)
    valid('ScimUserRequest', {
      schemas: [USER_SCHEMA],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    // Microsoft Entra ID, "Tutorial: Develop and plan provisioning for a SCIM endpoint": PATCH with capitalised ops
    valid('ScimPatchOp', { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' }] });
    valid('ScimGroupRequest', { schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'], externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName', meta: { resourceType: 'Group' } });
    invalid('ScimPatchOp', { schemas: [PATCH_OP_SCHEMA], Operations: [] });
    invalid('ScimUserRequest', { schemas: [USER_SCHEMA] });
  });
});
