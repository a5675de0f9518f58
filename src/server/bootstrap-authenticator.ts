/**
 * The one-time bootstrap token: `pbt_` and 32 random bytes in base64url, printed once by the
 * first start of a server with no configuration (src/server/prepare-configuration.ts). The database
 * keeps only its SHA-256. A token that was never issued, or was used, is refused; what a bootstrap
 * caller may do (apply while no version exists) is the apply use case's business.
 */
import { randomBytes } from 'node:crypto';
import { ParapetError } from '../policy/index.ts';
import { isBootstrapTokenUsable, type Store } from '../store/index.ts';
import { bootstrapTokenHash } from './apply-config.ts';
import type { Authenticator, Caller } from './caller.ts';

export const BOOTSTRAP_TOKEN_PREFIX = 'pbt_';

const BOOTSTRAP_TOKEN = /^pbt_[A-Za-z0-9_-]{43}$/;

export function newBootstrapToken(): string {
  return `${BOOTSTRAP_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function bootstrapAuthenticator(store: Store): Authenticator {
  return {
    name: 'bootstrap-token',
    accepts: (presented) => presented.token.startsWith(BOOTSTRAP_TOKEN_PREFIX),
    async authenticate(presented): Promise<Caller> {
      if (!BOOTSTRAP_TOKEN.test(presented.token)) throw new ParapetError('unauthenticated', 'the bootstrap token is not valid: malformed');
      // looked up by its hash: the comparison never sees the token, so its timing tells nothing
      const tokenHash = bootstrapTokenHash(presented.token);
      if (!(await isBootstrapTokenUsable(store, tokenHash))) {
        throw new ParapetError('unauthenticated', 'the bootstrap token is not valid: unknown, or already used');
      }
      return { kind: 'bootstrap', tokenHash };
    },
  };
}
