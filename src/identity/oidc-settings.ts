/**
 * What the server needs to know to sign people in with an OpenID provider. Where the values come
 * from (flags, environment, a server settings file) is the composition root's business: the
 * identity code takes this object and nothing else, and never logs `clientSecret`. docs/sso.md.
 */

/** which claim names the user in the configuration (`groups.*.members` are e-mail addresses) */
export type UserClaim = 'email' | 'preferred_username' | 'sub';

export interface OidcSettings {
  /** the issuer identifier, e.g. `https://login.example.com`; discovery reads `/.well-known/openid-configuration` under it */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** the scopes asked for; default `openid email profile` (some providers need `groups` too) */
  readonly scopes?: readonly string[] | undefined;
  /** the claim holding the user's groups at the provider: a name, or a dotted path (`realm_access.roles`); default `groups` */
  readonly groupsClaim?: string | undefined;
  /** the claim naming the user in the configuration; default `email` */
  readonly userClaim?: UserClaim | undefined;
  /** `amr` values (RFC 8176) that mean a second factor was used; default {@link DEFAULT_MFA_AMR_VALUES} */
  readonly mfaAmrValues?: readonly string[] | undefined;
  /** `acr` values that the provider only gives after a second factor; default none */
  readonly mfaAcrValues?: readonly string[] | undefined;
  /** also honour the provider's groups that name a group of the configuration; default false (docs/sso.md) */
  readonly trustIdpGroups?: boolean | undefined;
  /** how long a started sign-in may wait for its callback, in seconds; default 600 */
  readonly pendingLoginMaxAgeSeconds?: number | undefined;
}

/**
 * RFC 8176 methods that are a factor beyond a password: `mfa` itself, one-time codes (`otp`,
 * `sms`, `tel`), keys (`hwk`, `swk`, `sc`) and biometrics. `pwd`, `pin`, `kba` alone never count.
 */
export const DEFAULT_MFA_AMR_VALUES: readonly string[] = Object.freeze(['mfa', 'otp', 'sms', 'tel', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm']);

export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['openid', 'email', 'profile']);

/** the settings with every default filled in */
export interface ResolvedOidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  readonly groupsClaim: string;
  readonly userClaim: UserClaim;
  readonly mfaAmrValues: readonly string[];
  readonly mfaAcrValues: readonly string[];
  readonly trustIdpGroups: boolean;
  readonly pendingLoginMaxAgeSeconds: number;
}

export function resolveOidcSettings(settings: OidcSettings): ResolvedOidcSettings {
  return {
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    scopes: settings.scopes ?? DEFAULT_SCOPES,
    groupsClaim: settings.groupsClaim ?? 'groups',
    userClaim: settings.userClaim ?? 'email',
    mfaAmrValues: settings.mfaAmrValues ?? DEFAULT_MFA_AMR_VALUES,
    mfaAcrValues: settings.mfaAcrValues ?? [],
    trustIdpGroups: settings.trustIdpGroups ?? false,
    pendingLoginMaxAgeSeconds: settings.pendingLoginMaxAgeSeconds ?? 600,
  };
}
