/**
 * Authenticates a GitHub Actions workflow run as a service account of the configuration, from the
 * OIDC token GitHub gives the run (docs/service-accounts.md): no long-lived secret is involved.
 *
 *   bounded size → read the header (RS256 only) → read the claims (our issuer only, before any
 *   network) → the issuer's keys (discovery, then its JWKS, cached) → verify the signature,
 *   audience, expiry and not-before → match repository, ref, environment and job_workflow_ref
 *   against the service accounts' `github` entries
 *
 * A refused token is a returned `Result` whose issue says precisely why (`token-expired`,
 * `wrong-audience`, ...); `no-matching-service-account` is a valid token that no service account
 * accepts. The issuer being unreachable is exceptional and thrown (`unavailable`): it says nothing
 * about the caller. Either way nothing is authenticated: fail closed.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { GitHubActionsTrust, OrgConfig } from '../org/index.ts';
import { ParapetError, type Issue, type IssueCode, type Result } from '../policy/index.ts';

/** GitHub.com's issuer; GitHub Enterprise Server's is `https://HOSTNAME/_services/token` */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
/** the only algorithm GitHub signs its Actions tokens with: `none`, HMAC and the rest are refused */
const ALGORITHM = 'RS256';
/** a GitHub Actions token is about 1.5 KB; anything far larger is not one, and is not parsed */
const MAX_TOKEN_CHARACTERS = 16 * 1024;
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
const DEFAULT_TIMEOUT_MS = 5_000;

export interface GitHubActionsVerifierOptions {
  /** without a trailing `/`; default GitHub.com's */
  readonly issuer?: string;
  /** the audience a token must carry when its service account names none: the server's public URL */
  readonly audience: string;
  /** now; injected so that tests never wait for a token to expire */
  readonly clock?: () => Date;
  readonly clockToleranceSeconds?: number;
  /** for the discovery document and the JWKS, each */
  readonly timeoutMs?: number;
}

/** the claims Parapet reads from a GitHub Actions token, as GitHub names them */
export interface GitHubActionsClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly repository: string;
  readonly ref?: string;
  readonly environment?: string;
  readonly job_workflow_ref?: string;
  readonly repository_owner?: string;
  readonly workflow?: string;
  readonly actor?: string;
  readonly run_id?: string;
  readonly sha?: string;
  readonly event_name?: string;
  readonly jti?: string;
  /** seconds since the epoch */
  readonly iat: number;
  readonly exp: number;
}

export interface GitHubActionsIdentity {
  readonly serviceAccount: string;
  readonly claims: GitHubActionsClaims;
}

export interface GitHubActionsVerifier {
  readonly issuer: string;
  /** `config` is the active configuration: its service accounts decide who the run may act as */
  verify(token: string, config: OrgConfig): Promise<Result<GitHubActionsIdentity>>;
}

export function createGitHubActionsVerifier(options: GitHubActionsVerifierOptions): GitHubActionsVerifier {
  const issuer = (options.issuer ?? GITHUB_ACTIONS_ISSUER).replace(/\/+$/, '');
  const clock = options.clock ?? (() => new Date());
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const keys = issuerKeys(issuer, timeoutMs);

  return {
    issuer,
    async verify(token, config) {
      const read = readUnverified(token, issuer);
      if (!read.ok) return read;
      const audiences = acceptedAudiences(config, options.audience);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await keys(), {
          issuer,
          audience: audiences,
          algorithms: [ALGORITHM],
          clockTolerance: tolerance,
          currentDate: clock(),
          requiredClaims: ['exp', 'iat', 'sub', 'repository'],
        }));
      } catch (error) {
        return refused(describeJoseError(error, audiences));
      }
      const claims = readClaims(payload);
      if (!claims.ok) return claims;
      return matchServiceAccount(claims.value, config, options.audience);
    },
  };
}

/**
 * the thrown form of a refusal, for an edge that throws (the server's authentication hook):
 * `forbidden` when the token is GitHub's own but no service account accepts it, else
 * `unauthenticated`; the issue's code is in `details.reason`
 */
export function gitHubActionsFailure(issues: readonly Issue[]): ParapetError {
  const first = issues[0];
  const code = first?.code === 'no-matching-service-account' ? 'forbidden' : 'unauthenticated';
  return new ParapetError(code, `github actions token: ${first?.message ?? 'refused'}`, { details: { reason: first?.code ?? 'malformed-token' } });
}

function refused<T>(issue: readonly [IssueCode, string]): Result<T> {
  return { ok: false, issues: [{ code: issue[0], severity: 'error', message: issue[1] }] };
}

/**
 * what can be refused before any key is fetched: a token that is not a JWT, one not signed with
 * RS256 (so `alg: none` and an HMAC "signed" with the public key never reach a key), and one from
 * another issuer (whose keys are never fetched: only the configured issuer's are)
 */
function readUnverified(token: string, issuer: string): Result<undefined> {
  if (token.length > MAX_TOKEN_CHARACTERS) return refused(['malformed-token', `the token is longer than ${MAX_TOKEN_CHARACTERS} characters`]);
  let alg: unknown;
  let iss: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
    iss = decodeJwt(token).iss;
  } catch {
    return refused(['malformed-token', 'not a signed JWT (three base64url parts, a JSON header and a JSON claims set)']);
  }
  if (alg !== ALGORITHM) return refused(['token-algorithm-not-allowed', `algorithm \`${String(alg)}\` is not accepted: GitHub signs with ${ALGORITHM}`]);
  if (iss !== issuer) return refused(['wrong-issuer', `issuer \`${String(iss)}\` is not \`${issuer}\``]);
  return { ok: true, value: undefined, issues: [] };
}

/**
 * The keys of the issuer, from its discovery document's `jwks_uri` (OpenID Connect Discovery
 * 1.0 §4). Fetched on first use and kept; a key id the set does not hold makes jose fetch the set
 * again (at most every 30 s), which follows GitHub's key rotation. A failed discovery is not kept,
 * so the next request tries again.
 */
function issuerKeys(issuer: string, timeoutMs: number): () => Promise<ReturnType<typeof createRemoteJWKSet>> {
  let pending: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  return () => {
    pending ??= discoverJwksUri(issuer, timeoutMs).then(
      (uri) => createRemoteJWKSet(uri, { timeoutDuration: timeoutMs }),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  const url = `${issuer}/.well-known/openid-configuration`;
  const unavailable = (why: string, cause?: unknown) =>
    new ParapetError('unavailable', `github actions issuer \`${issuer}\`: ${why}`, cause === undefined ? {} : { cause });
  let document: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
    if (!response.ok) throw unavailable(`discovery document \`${url}\` answered HTTP ${response.status}`);
    document = await response.json();
  } catch (error) {
    if (error instanceof ParapetError) throw error;
    throw unavailable(`cannot read the discovery document \`${url}\`: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const fields = typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be the one asked
  if (fields['issuer'] !== issuer) throw unavailable(`the discovery document names issuer \`${String(fields['issuer'])}\``);
  const jwksUri = fields['jwks_uri'];
  let parsed: URL | undefined;
  try {
    parsed = typeof jwksUri === 'string' ? new URL(jwksUri) : undefined;
  } catch {
    parsed = undefined;
  }
  // keys fetched over plain HTTP could be anyone's: only an issuer that is itself plain HTTP (a test on loopback) may
  if (parsed === undefined || (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && issuer.startsWith('http:')))) {
    throw unavailable(`the discovery document has no valid \`jwks_uri\``);
  }
  return parsed;
}

/** the default audience and every service account's own */
function acceptedAudiences(config: OrgConfig, audience: string): string[] {
  const out = new Set([audience]);
  for (const account of config.serviceAccounts.values()) if (account.github?.audience !== undefined) out.add(account.github.audience);
  return [...out];
}

function describeJoseError(error: unknown, audiences: readonly string[]): readonly [IssueCode, string] {
  if (error instanceof ParapetError) throw error;
  if (error instanceof errors.JWTExpired) return ['token-expired', 'the token has expired'];
  if (error instanceof errors.JWTClaimValidationFailed) {
    const payload = error.payload;
    switch (error.claim) {
      case 'nbf':
        return ['token-not-yet-valid', 'the token is not valid yet (`nbf` is in the future)'];
      case 'iat':
        return ['token-not-yet-valid', 'the token was issued in the future (`iat`)'];
      case 'aud':
        return ['wrong-audience', `audience ${describeAudience(payload.aud)} is not ${audiences.map((a) => `\`${a}\``).join(' or ')}`];
      case 'iss':
        return ['wrong-issuer', `issuer \`${String(payload.iss)}\` is not the one configured`];
      default:
        return ['missing-claim', `claim \`${error.claim}\`: ${error.message.toLowerCase()}`];
    }
  }
  if (error instanceof errors.JWKSNoMatchingKey) return ['unknown-signing-key', 'no key of the issuer\'s key set matches the token\'s `kid`'];
  if (error instanceof errors.JWSSignatureVerificationFailed) return ['bad-signature', 'the signature does not verify with the issuer\'s key'];
  if (error instanceof errors.JOSEAlgNotAllowed) return ['token-algorithm-not-allowed', `the token's algorithm is not accepted: GitHub signs with ${ALGORITHM}`];
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    throw new ParapetError('unavailable', `github actions issuer: cannot read its key set: ${error.message.toLowerCase()}`, { cause: error });
  }
  if (error instanceof errors.JOSEError) return ['malformed-token', `the token cannot be verified: ${error.message.toLowerCase()}`];
  // a failed fetch of the key set (connection refused, DNS) is not about the caller
  throw new ParapetError('unavailable', `github actions issuer: cannot read its key set: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function describeAudience(aud: unknown): string {
  if (typeof aud === 'string') return `\`${aud}\``;
  if (Array.isArray(aud)) return aud.map((a) => `\`${String(a)}\``).join(', ');
  return 'none';
}

function readClaims(payload: JWTPayload): Result<GitHubActionsClaims> {
  const text = (key: string): string | undefined => {
    const value = payload[key];
    return typeof value === 'string' ? value : undefined;
  };
  const iss = text('iss');
  const sub = text('sub');
  const repository = text('repository');
  const { iat, exp } = payload;
  const missing = [iss === undefined ? 'iss' : '', sub === undefined ? 'sub' : '', repository === undefined ? 'repository' : ''].filter((c) => c !== '');
  if (iss === undefined || sub === undefined || repository === undefined || typeof iat !== 'number' || typeof exp !== 'number') {
    return refused(['missing-claim', `the token lacks a string \`${missing[0] ?? 'iat'}\` claim`]);
  }
  // a claim of the wrong type is left out, so that it matches nothing rather than something
  const optional = ['ref', 'environment', 'job_workflow_ref', 'repository_owner', 'workflow', 'actor', 'run_id', 'sha', 'event_name', 'jti'] as const;
  const extra: Partial<Record<(typeof optional)[number], string>> = {};
  for (const key of optional) {
    const value = text(key);
    if (value !== undefined) extra[key] = value;
  }
  const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  return { ok: true, value: { iss, sub, aud, repository, iat, exp, ...extra }, issues: [] };
}

/**
 * The one service account whose trust the claims meet (validation makes sure no token can meet
 * two: `ambiguous-github-trust`; were there two anyway, the token is refused, not given a choice).
 * A refusal names the service accounts of the token's repository and the claims each did not
 * accept, with the token's values: what the workflow's author needs, and nothing of the
 * configuration a stranger's repository could learn from.
 */
export function matchServiceAccount(claims: GitHubActionsClaims, config: OrgConfig, defaultAudience: string): Result<GitHubActionsIdentity> {
  const matched: string[] = [];
  const misses: string[] = [];
  for (const account of config.serviceAccounts.values()) {
    const trust = account.github;
    if (trust === undefined || trust.repository !== claims.repository) continue;
    const failed = unmetConditions(trust, claims, defaultAudience);
    if (failed.length === 0) matched.push(account.name);
    else misses.push(`\`${account.name}\` does not accept ${failed.join(', ')}`);
  }
  if (matched.length === 1 && matched[0] !== undefined) return { ok: true, value: { serviceAccount: matched[0], claims }, issues: [] };
  if (matched.length > 1) {
    return refused(['no-matching-service-account', `the workflow run matches several service accounts (${matched.map((n) => `\`${n}\``).join(', ')}): a token acts as one`]);
  }
  if (misses.length === 0) return refused(['no-matching-service-account', `no service account trusts repository \`${claims.repository}\``]);
  return refused(['no-matching-service-account', `no service account accepts this workflow run of \`${claims.repository}\`: ${misses.join('; ')}`]);
}

function unmetConditions(trust: GitHubActionsTrust, claims: GitHubActionsClaims, defaultAudience: string): string[] {
  const failed: string[] = [];
  const show = (claim: string, value: string | undefined) => (value === undefined ? `no \`${claim}\`` : `\`${claim}\` \`${value}\``);
  if (trust.refs !== undefined && (claims.ref === undefined || !trust.refs.includes(claims.ref))) failed.push(show('ref', claims.ref));
  if (trust.environments !== undefined && (claims.environment === undefined || !trust.environments.includes(claims.environment))) {
    failed.push(show('environment', claims.environment));
  }
  if (trust.jobWorkflowRef !== undefined && claims.job_workflow_ref !== trust.jobWorkflowRef) failed.push(show('job_workflow_ref', claims.job_workflow_ref));
  // each service account is bound to its own audience: a token requested for another one's is not this one's
  if (!claims.aud.includes(trust.audience ?? defaultAudience)) failed.push(`audience ${claims.aud.map((a) => `\`${a}\``).join(', ')}`);
  return failed;
}
