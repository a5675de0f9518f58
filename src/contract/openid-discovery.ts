/**
 * Parapet as an OpenID issuer of its credentials: the discovery document (OpenID Connect
 * Discovery 1.0, section 3, "OpenID Provider Metadata") and the JSON Web Key Set (RFC 7517,
 * section 5) an enforcement point verifies Parapet credentials with.
 */
import { z } from 'zod';

export const OpenIdConfiguration = z
  .object({
    issuer: z.string(),
    jwks_uri: z.string(),
    response_types_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
  })
  .meta({ id: 'OpenIdConfiguration' });

export type OpenIdConfiguration = z.infer<typeof OpenIdConfiguration>;

export const JsonWebKeySet = z
  .object({
    keys: z.array(
      z.looseObject({
        kty: z.string(),
        kid: z.string(),
        alg: z.string(),
        use: z.string(),
        crv: z.string().optional(),
        x: z.string().optional(),
        y: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'JsonWebKeySet' });

export type JsonWebKeySet = z.infer<typeof JsonWebKeySet>;
