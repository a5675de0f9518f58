/** a SCIM client for tests: a token stored as `parapet scim token create` stores it, requests through `inject` */
import { storeScimToken } from '../store/index.ts';
import { newScimToken, scimTokenHash } from './scim-token-authenticator.ts';
import type { TestServer } from './test-server.test-support.ts';

export interface ScimResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
  json(): unknown;
}

export type ScimCall = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Readonly<Record<string, string>>) => Promise<ScimResponse>;

export async function scimToken(server: TestServer, name = 'test-client'): Promise<{ readonly token: string; readonly id: string }> {
  const token = newScimToken();
  const id = server.context.newId();
  await storeScimToken(server.context.store, { id, name, tokenHash: scimTokenHash(token), at: server.context.clock() });
  return { token, id };
}

/** requests as a SCIM client sends them: `application/scim+json`, the token as a bearer */
export function scimClient(server: TestServer, token: string | undefined): ScimCall {
  return async (method, url, body, headers = {}) =>
    server.app.inject({
      method,
      url: url.startsWith('/') ? url : `/scim/v2/${url}`,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
}
