/**
 * Public: `/.well-known/openid-configuration` and `/.well-known/jwks.json`, so an enforcement point
 * can verify Parapet credentials itself, as it would any OpenID issuer's tokens. The JWKS lists
 * every key whose credentials may still be valid (stored-key-ring.ts); verifiers may cache it for
 * JWKS_MAX_AGE_SECONDS, and a new key signs only after that long.
 *
 * Parapet issues credentials through its own API, not through an OAuth authorization endpoint,
 * so the document has no `authorization_endpoint` (as Kubernetes' service account issuer
 * discovery has none); it gives every other field Discovery 1.0 section 3 marks REQUIRED.
 */
import { SIGNING_ALGORITHM } from '../../identity/key-ring.ts';
import { JWKS_MAX_AGE_SECONDS } from '../../identity/stored-key-ring.ts';
import { JsonWebKeySet, OpenIdConfiguration } from '../../contract/openid-discovery.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

export const JWKS_PATH = '/.well-known/jwks.json';
const CACHE_CONTROL = `public, max-age=${JWKS_MAX_AGE_SECONDS}`;

export function openIdDiscoveryRoutes(app: ZodApp, context: ServerContext): void {
  app.get(
    '/.well-known/openid-configuration',
    { config: { access: 'public' }, schema: { tags: ['discovery'], summary: 'OpenID Connect Discovery 1.0 metadata of the credential issuer', security: [], response: { 200: OpenIdConfiguration } } },
    async (_request, reply) => {
      const issuer = context.settings.publicUrl;
      const document: OpenIdConfiguration = {
        issuer,
        jwks_uri: `${issuer}${JWKS_PATH}`,
        // the credentials are bearer tokens shaped like ID tokens, made by Parapet's API
        response_types_supported: ['id_token'],
        // `sub` is the user's name in the directory, the same for every relying party
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
        claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'auth_time', 'use', 'mfa_time', 'parent', 'account', 'permission_set'],
      };
      return reply.header('cache-control', CACHE_CONTROL).send(document);
    },
  );

  app.get(
    JWKS_PATH,
    { config: { access: 'public' }, schema: { tags: ['discovery'], summary: 'the public keys of every signing key whose credentials may still be valid', security: [], response: { 200: JsonWebKeySet } } },
    async (_request, reply) => {
      const jwks = await context.keys.publicKeys();
      return reply.header('cache-control', CACHE_CONTROL).send(JsonWebKeySet.parse(jwks));
    },
  );
}
