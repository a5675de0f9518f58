/**
 * Who signed in, read from the verified claims of an OpenID provider (the ID token, completed by
 * the userinfo answer): the pure last step of finishLogin (oidc-login.ts). The claims are signed
 * but their shapes are the provider's: a claim of the wrong type is refused with a clear error
 * rather than read as "no groups" or "no MFA", so a misconfigured provider is seen at once.
 */
import { ParapetError } from '../policy/parapet-error.ts';
import type { ResolvedOidcSettings } from './oidc-settings.ts';

export interface SignedInUser {
  readonly issuer: string;
  /** the provider's stable id of the user (`sub`) */
  readonly subject: string;
  readonly email?: string | undefined;
  /** false when the provider says the address was not verified */
  readonly emailVerified?: boolean | undefined;
  readonly preferredUsername?: string | undefined;
  readonly name?: string | undefined;
  /** the groups the provider names in the configured claim, as given; match-directory-user.ts decides what they are worth */
  readonly groups: readonly string[];
  /** whether a second factor was used (`amr`/`acr`), and when the user authenticated (`auth_time`) */
  readonly mfa: { readonly present: boolean; readonly authTime?: Date | undefined };
}

export type Claims = Readonly<Record<string, unknown>>;

export function signedInUserFromClaims(claims: Claims, settings: ResolvedOidcSettings, issuer: string): SignedInUser {
  const subject = claims['sub'];
  if (typeof subject !== 'string' || subject === '') throw claimError('sub', 'is missing', issuer);
  const email = optionalString(claims, 'email', issuer);
  const emailVerified = optionalBoolean(claims, 'email_verified', issuer);
  const preferredUsername = optionalString(claims, 'preferred_username', issuer);
  const name = optionalString(claims, 'name', issuer);
  const groups = readGroups(claims, settings.groupsClaim, issuer);
  const authTime = readAuthTime(claims, issuer);
  const present = hasSecondFactor(claims, settings, issuer);
  return {
    issuer,
    subject,
    ...(email !== undefined ? { email } : {}),
    ...(emailVerified !== undefined ? { emailVerified } : {}),
    ...(preferredUsername !== undefined ? { preferredUsername } : {}),
    ...(name !== undefined ? { name } : {}),
    groups,
    mfa: { present, ...(authTime !== undefined ? { authTime } : {}) },
  };
}

/**
 * The claim at `path`: a claim of that exact name first (namespaced claims such as
 * `https://example.com/groups` contain dots), else the dotted path through nested objects.
 */
export function readClaim(claims: Claims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function readGroups(claims: Claims, path: string, issuer: string): readonly string[] {
  const value = readClaim(claims, path);
  if (value === undefined || value === null) return [];
  // some providers give a single group as a string
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((group): group is string => typeof group === 'string')) {
    throw claimError(path, 'is not a list of group names', issuer);
  }
  return [...new Set(value)];
}

function readAuthTime(claims: Claims, issuer: string): Date | undefined {
  const value = claims['auth_time'];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw claimError('auth_time', 'is not a time in seconds', issuer);
  return new Date(value * 1000);
}

/** `amr` holding one of the configured values, or `acr` equal to one of the configured values */
function hasSecondFactor(claims: Claims, settings: ResolvedOidcSettings, issuer: string): boolean {
  const amr = claims['amr'];
  if (amr !== undefined && (!Array.isArray(amr) || !amr.every((method) => typeof method === 'string'))) {
    throw claimError('amr', 'is not a list of method names', issuer);
  }
  const acr = optionalString(claims, 'acr', issuer);
  const byAmr = (amr ?? []).some((method: string) => settings.mfaAmrValues.includes(method));
  const byAcr = acr !== undefined && settings.mfaAcrValues.includes(acr);
  return byAmr || byAcr;
}

function optionalString(claims: Claims, name: string, issuer: string): string | undefined {
  const value = claims[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw claimError(name, 'is not a string', issuer);
  return value;
}

function optionalBoolean(claims: Claims, name: string, issuer: string): boolean | undefined {
  const value = claims[name];
  if (value === undefined || value === null) return undefined;
  // some providers send "true"/"false" as strings
  if (value === 'true' || value === 'false') return value === 'true';
  if (typeof value !== 'boolean') throw claimError(name, 'is not a boolean', issuer);
  return value;
}

function claimError(claim: string, what: string, issuer: string): ParapetError {
  return new ParapetError('unauthenticated', `sign-in with \`${issuer}\`: claim \`${claim}\` ${what}`, { details: { issuer, claim } });
}
