/**
 * SCIM bearer tokens: `pscim_` and 32 random bytes in base64url, made by `parapet scim token
 * create`, shown once; the database keeps only the SHA-256, so a copy of it holds no usable token.
 * A token that is unknown or revoked is refused; a valid one becomes a `scim-client` caller, which
 * the authentication hook (app.ts) lets reach /scim/v2 and nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ParapetError } from '../policy/index.ts';
import { findScimToken, type Store } from '../store/index.ts';
import type { Authenticator, Caller } from './caller.ts';

export const SCIM_TOKEN_PREFIX = 'pscim_';

const SCIM_TOKEN = /^pscim_[A-Za-z0-9_-]{43}$/;

export function newScimToken(): string {
  return `${SCIM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function scimTokenHash(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export function scimTokenAuthenticator(store: Store): Authenticator {
  return {
    name: 'scim-token',
    accepts: (presented) => presented.token.startsWith(SCIM_TOKEN_PREFIX),
    async authenticate(presented): Promise<Caller> {
      if (!SCIM_TOKEN.test(presented.token)) throw new ParapetError('unauthenticated', 'the SCIM token is not valid: malformed');
      // looked up by its hash: the comparison never sees the token, so its timing tells nothing
      const token = await findScimToken(store, scimTokenHash(presented.token));
      if (token === undefined) throw new ParapetError('unauthenticated', 'the SCIM token is not valid: unknown, or revoked');
      return { kind: 'scim-client', tokenId: token.id, name: token.name };
    },
  };
}
