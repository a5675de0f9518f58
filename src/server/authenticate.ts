/**
 * Authentication for every endpoint but health, the OpenID discovery documents and the login
 * flow: `Authorization: Bearer <token>`, handed to the first authenticator that accepts it. A
 * missing, malformed or unknown token is `unauthenticated`; nothing falls back to anonymous.
 */
import { decodeJwt } from 'jose';
import type { FastifyRequest } from 'fastify';
import { ParapetError } from '../policy/index.ts';
import type { Authenticator, Caller, PresentedToken } from './caller.ts';

/** a bearer token longer than this is refused before it is parsed */
export const MAX_TOKEN_LENGTH = 16 * 1024;

export function presentedToken(authorization: string | undefined): PresentedToken {
  if (authorization === undefined || authorization === '') {
    throw new ParapetError('unauthenticated', 'no credential: send `Authorization: Bearer <token>` (get one with `parapet login`)');
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (match === null) throw new ParapetError('unauthenticated', 'the Authorization header must be `Bearer <token>`');
  const token = match[1]!;
  if (token.length > MAX_TOKEN_LENGTH) throw new ParapetError('unauthenticated', `the bearer token is longer than ${MAX_TOKEN_LENGTH} characters`);
  return { token, unverifiedIssuer: unverifiedIssuerOf(token) };
}

// the same few credentials arrive thousands of times a second: their issuer is decoded once
const ISSUER_CACHE_SIZE = 1024;
const issuers = new Map<string, string | undefined>();

/** the `iss` of a JWT read WITHOUT verification, only to choose the authenticator; undefined when not a JWT */
function unverifiedIssuerOf(token: string): string | undefined {
  if (issuers.has(token)) return issuers.get(token);
  let issuer: string | undefined;
  try {
    const iss = decodeJwt(token).iss;
    issuer = typeof iss === 'string' ? iss : undefined;
  } catch {
    issuer = undefined;
  }
  if (issuers.size >= ISSUER_CACHE_SIZE) issuers.clear();
  issuers.set(token, issuer);
  return issuer;
}

export async function authenticate(authenticators: readonly Authenticator[], presented: PresentedToken): Promise<Caller> {
  for (const authenticator of authenticators) {
    if (authenticator.accepts(presented)) return authenticator.authenticate(presented);
  }
  throw new ParapetError('unauthenticated', 'the bearer token is not a credential this server accepts');
}

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the authentication hook on every route that is not public */
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** `public`: no credential needed (health, discovery, sign-in); default: a caller is required */
    access?: 'public' | 'caller';
  }
}

/** the caller of an authenticated route: the hook has run, so it is there */
export function callerOf(request: FastifyRequest): Caller {
  if (request.caller === undefined) throw new ParapetError('internal', `route \`${request.routeOptions.url ?? request.url}\` has no caller: is it marked public?`);
  return request.caller;
}
