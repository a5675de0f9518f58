/**
 * Sign-in with OpenID Connect, as a relying party (`openid-client` 6): the authorization code flow
 * with PKCE (S256), `state` and `nonce`. Two steps, so the server keeps what is between them
 * wherever it likes (a short-lived signed cookie, the store):
 *
 *   discoverOidcClient(settings)           the provider's metadata, once at start
 *   startLogin → { authorizationUrl, pending }
 *   finishLogin(callback, pending)          check the callback's shape → its age → its state →
 *                                           exchange the code (PKCE, client secret) → verify the ID
 *                                           token (signature, issuer, audience, expiry, nonce) →
 *                                           complete the claims from userinfo → SignedInUser
 *
 * Every failure is a thrown ParapetError, never a user: `invalid-input` for a callback that is not
 * an authorization response at all, `unauthenticated` for a refused, forged, replayed, expired or
 * mismatched one, `unavailable` when the provider cannot be reached. Messages name the issuer and
 * the step, and never carry the code, a token or the client secret.
 */
import * as oidc from 'openid-client';
import { ParapetError } from '../policy/parapet-error.ts';
import { resolveOidcSettings, type OidcSettings, type ResolvedOidcSettings } from './oidc-settings.ts';
import { signedInUserFromClaims, type Claims, type SignedInUser } from './signed-in-user.ts';

export interface OidcClient {
  readonly settings: ResolvedOidcSettings;
  /** the provider's issuer identifier, as its metadata gives it */
  readonly issuer: string;
  readonly configuration: oidc.Configuration;
}

/** what a started sign-in must remember until its callback: secret, single-use, short-lived */
export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** the redirect URI the authorization request named: the token request must name the same */
  readonly redirectUri: string;
  /** ISO 8601 */
  readonly createdAt: string;
}

export interface StartedLogin {
  readonly authorizationUrl: string;
  readonly pending: PendingLogin;
}

export interface DiscoverOptions {
  /** seconds before a request to the provider is given up; default 10 */
  readonly timeoutSeconds?: number | undefined;
}

/** reads the provider's metadata; `unavailable` when it cannot be reached, `usage` for settings that cannot work */
export async function discoverOidcClient(settings: OidcSettings, options: DiscoverOptions = {}): Promise<OidcClient> {
  const resolved = resolveOidcSettings(settings);
  const issuerUrl = checkIssuerUrl(resolved.issuer);
  if (resolved.clientId === '') throw new ParapetError('usage', 'sso: the client id is empty');
  if (resolved.clientSecret === '') throw new ParapetError('usage', 'sso: the client secret is empty');
  if (!resolved.scopes.includes('openid')) throw new ParapetError('usage', 'sso: the scopes must include `openid`');
  const timeout = options.timeoutSeconds ?? 10;
  let configuration: oidc.Configuration;
  try {
    configuration = await oidc.discovery(
      issuerUrl,
      resolved.clientId,
      { client_secret: resolved.clientSecret },
      oidc.ClientSecretBasic(resolved.clientSecret),
      // plain http only for a provider on this machine (the demo and test providers)
      { timeout, ...(issuerUrl.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}) },
    );
  } catch (error) {
    throw classify(error, resolved.issuer, 'discovery');
  }
  configuration.timeout = timeout;
  const issuer = configuration.serverMetadata().issuer;
  return { settings: resolved, issuer, configuration };
}

export interface StartLoginOptions {
  readonly redirectUri: string;
  readonly now: Date;
}

export async function startLogin(client: OidcClient, options: StartLoginOptions): Promise<StartedLogin> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizationUrl = oidc.buildAuthorizationUrl(client.configuration, {
    redirect_uri: options.redirectUri,
    scope: client.settings.scopes.join(' '),
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return {
    authorizationUrl: authorizationUrl.href,
    pending: { state, nonce, codeVerifier, redirectUri: options.redirectUri, createdAt: options.now.toISOString() },
  };
}

export interface FinishLoginOptions {
  readonly now: Date;
}

/**
 * Completes a sign-in from the URL the provider redirected the browser to. Only the callback's
 * query is read: it is put back on the pending redirect URI, so a server behind a proxy (whose
 * request URL is not its public one) sends the token endpoint the redirect URI it registered.
 */
export async function finishLogin(client: OidcClient, callbackUrl: string | URL, pending: PendingLogin, options: FinishLoginOptions): Promise<SignedInUser> {
  const issuer = client.issuer;
  const params = readCallbackParams(callbackUrl, issuer);
  checkPendingAge(pending, client.settings, options.now, issuer);
  checkState(params, pending, issuer);
  const currentUrl = new URL(pending.redirectUri);
  currentUrl.search = params.toString();
  let claims: Claims;
  let accessToken: string;
  try {
    const tokens = await oidc.authorizationCodeGrant(client.configuration, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idTokenClaims = tokens.claims();
    if (idTokenClaims === undefined) throw new ParapetError('unauthenticated', `sign-in with \`${issuer}\`: the token response has no ID token`);
    claims = idTokenClaims;
    accessToken = tokens.access_token;
  } catch (error) {
    throw classify(error, issuer, 'token');
  }
  claims = await completeClaims(client, claims, accessToken);
  return signedInUserFromClaims(claims, client.settings, issuer);
}

/**
 * Providers that follow the specification strictly put only `sub` in the ID token of a code flow
 * and the rest behind userinfo: when the user claim or the groups claim is missing, ask userinfo
 * (whose `sub` must be the ID token's) and let the ID token win where both speak.
 */
async function completeClaims(client: OidcClient, claims: Claims, accessToken: string): Promise<Claims> {
  const { userClaim, groupsClaim } = client.settings;
  const missing = claims[userClaim] === undefined || (claims[groupsClaim] === undefined && !groupsClaim.includes('.'));
  if (!missing || client.configuration.serverMetadata().userinfo_endpoint === undefined) return claims;
  const subject = claims['sub'];
  if (typeof subject !== 'string') return claims;
  try {
    const userinfo = await oidc.fetchUserInfo(client.configuration, accessToken, subject);
    return { ...userinfo, ...claims };
  } catch (error) {
    throw classify(error, client.issuer, 'userinfo');
  }
}

/** exactly one `state`, and exactly one `code` or one `error`: anything else is not an authorization response */
function readCallbackParams(callbackUrl: string | URL, issuer: string): URLSearchParams {
  let url: URL;
  try {
    url = new URL(callbackUrl, 'http://callback.invalid');
  } catch {
    throw callbackError('is not a URL', issuer);
  }
  const params = url.searchParams;
  for (const name of ['state', 'code', 'error', 'iss']) {
    if (params.getAll(name).length > 1) throw callbackError(`repeats parameter \`${name}\``, issuer);
  }
  if (!params.has('state')) throw callbackError('has no `state`', issuer);
  if (params.has('code') === params.has('error')) throw callbackError('must have either a `code` or an `error`', issuer);
  return params;
}

function checkPendingAge(pending: PendingLogin, settings: ResolvedOidcSettings, now: Date, issuer: string): void {
  const started = Date.parse(pending.createdAt);
  const age = (now.getTime() - started) / 1000;
  if (!Number.isFinite(started) || age < 0 || age > settings.pendingLoginMaxAgeSeconds) {
    throw new ParapetError('unauthenticated', `sign-in with \`${issuer}\`: the sign-in expired, start it again`, { details: { issuer, step: 'callback' } });
  }
}

/** checked here as well as by openid-client, to say exactly what is wrong */
function checkState(params: URLSearchParams, pending: PendingLogin, issuer: string): void {
  if (params.get('state') !== pending.state) {
    throw new ParapetError('unauthenticated', `sign-in with \`${issuer}\`: the callback's \`state\` does not match this sign-in`, { details: { issuer, step: 'callback' } });
  }
}

function callbackError(what: string, issuer: string): ParapetError {
  return new ParapetError('invalid-input', `sign-in with \`${issuer}\`: the callback ${what}`, { details: { issuer, step: 'callback' } });
}

function checkIssuerUrl(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ParapetError('usage', `sso: issuer \`${issuer}\` is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new ParapetError('usage', `sso: issuer \`${issuer}\` must use https (plain http only on this machine's loopback address)`);
}

/** 127.0.0.0/8, ::1 and `localhost`: the addresses no other machine can reach */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) && bare.split('.').every((part) => Number(part) <= 255);
}

type Step = 'discovery' | 'token' | 'userinfo';

/** one failure of openid-client (or of the network under it) as a ParapetError with the right code */
function classify(error: unknown, issuer: string, step: Step): ParapetError {
  if (error instanceof ParapetError) return error;
  const where = `sign-in with \`${issuer}\`: ${stepName(step)}`;
  const details = { issuer, step };
  if (error instanceof oidc.AuthorizationResponseError) {
    return new ParapetError('unauthenticated', `${where}: the provider refused the sign-in: \`${error.error}\`${describe(error.error_description)}`, { details, cause: error });
  }
  if (error instanceof oidc.ResponseBodyError) {
    // a 5xx is the provider failing, not the sign-in being refused
    const code = error.status >= 500 ? 'unavailable' : 'unauthenticated';
    return new ParapetError(code, `${where}: the provider answered \`${error.error}\`${describe(error.error_description)}`, { details, cause: error });
  }
  if (isUnreachable(error)) {
    return new ParapetError('unavailable', `${where}: the provider cannot be reached${reason(error)}`, { details, cause: error });
  }
  if (error instanceof oidc.ClientError) {
    switch (error.code) {
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_RESPONSE_IS_NOT_JSON':
        return new ParapetError('unavailable', `${where}: the provider's answer is not usable: ${innerMessage(error)}`, { details, cause: error });
      case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
        return new ParapetError('unauthenticated', `${where}: the ID token does not belong to this sign-in: ${claimName(error)}`, { details, cause: error });
      default:
        return new ParapetError('unauthenticated', `${where}: ${innerMessage(error)}`, { details, cause: error });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ParapetError(step === 'discovery' ? 'unavailable' : 'unauthenticated', `${where}: ${message}`, { details, cause: error });
}

function stepName(step: Step): string {
  switch (step) {
    case 'discovery':
      return 'reading the provider metadata';
    case 'token':
      return 'redeeming the authorization code';
    case 'userinfo':
      return 'reading userinfo';
    default: {
      const never: never = step;
      return never;
    }
  }
}

function describe(description: string | undefined): string {
  return description === undefined || description === '' ? '' : `: ${description}`;
}

/** fetch failing below HTTP (refused, reset, DNS, timeout) */
function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  return error instanceof TypeError && error.message === 'fetch failed';
}

function reason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  if (typeof code === 'string') return `: ${code}`;
  if (error instanceof Error && error.name === 'TimeoutError') return ': timed out';
  return '';
}

/** openid-client wraps oauth4webapi's error, whose cause names the claim that differs */
function claimName(error: Error): string {
  const inner = error.cause instanceof Error ? error.cause : error;
  const cause = inner.cause;
  const claim = typeof cause === 'object' && cause !== null && 'claim' in cause ? cause.claim : undefined;
  return typeof claim === 'string' ? `claim \`${claim}\` does not match` : inner.message;
}

/** the more precise message of the error openid-client wraps */
function innerMessage(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}
