/**
 * A stand-in for GitHub Actions' OIDC issuer, for tests: an RS256 key pair, the discovery document
 * and the key set served on a real loopback HTTP server, and tokens signed with the claim set
 * GitHub gives a workflow run. The shapes follow GitHub's "OpenID Connect reference"
 * (https://docs.github.com/en/actions/reference/security/oidc) and "About security hardening with
 * OpenID Connect" (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect).
 *
 *   const issuer = await startGitHubActionsIssuer();
 *   const token = await issuer.sign({ aud: 'https://parapet.test' });
 *   ...
 *   await issuer.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** a GitHub Actions token's claims; every one can be overridden, and `undefined` leaves one out */
export type GitHubActionsTokenClaims = Record<string, unknown>;

export interface SignOptions {
  /** sign with the key that the key set does not publish (its `kid` is `rogue`, or `kid` below) */
  readonly rogueKey?: boolean;
  /** the header's `kid`; default the published key's */
  readonly kid?: string;
}

export interface GitHubActionsIssuer {
  /** the issuer URL, e.g. `http://127.0.0.1:40123` (with `path` when one was given) */
  readonly url: string;
  readonly kid: string;
  /** the published key's SPKI PEM: what an attacker holds for an algorithm confusion attempt */
  readonly publicKeyPem: string;
  /** how many times each document was fetched: the verifier caches them */
  readonly fetches: { discovery: number; jwks: number };
  /** `now` in seconds for the claims' `iat`; the default claims are valid for 5 minutes after it */
  sign(claims?: GitHubActionsTokenClaims, options?: SignOptions): Promise<string>;
  /** the default claims at `now`, as `sign` would use them */
  claims(overrides?: GitHubActionsTokenClaims): JWTPayload;
  close(): Promise<void>;
}

export interface StartOptions {
  /** a path under the origin, as GitHub Enterprise Server's `/_services/token` */
  readonly path?: string;
  /** the time tokens are issued at; default now */
  readonly clock?: () => Date;
  /** the `aud` of a token when the test gives none: GitHub's default is the owner's URL */
  readonly audience?: string;
}

/**
 * A run of acme/infra's `apply` workflow on main, in the `production` environment: the deployer
 * of examples/acme. Shaped like the example token of GitHub's "OpenID Connect reference", with its
 * lifetimes (`nbf` 10 minutes before `iat`, `exp` 5 minutes after).
 */
export function deployerRunClaims(issuer: string, iat: number, audience: string): JWTPayload {
  return {
    jti: `example-id-${iat}`,
    sub: 'repo:acme/infra:environment:production',
    environment: 'production',
    aud: audience,
    ref: 'refs/heads/main',
    sha: 'example-sha-0123456789abcdef0123456789abcdef01234567',
    repository: 'acme/infra',
    repository_owner: 'acme',
    repository_owner_id: '65',
    repository_id: '74',
    repository_visibility: 'private',
    actor_id: '12',
    actor: 'erin',
    workflow: 'apply',
    workflow_ref: 'acme/infra/.github/workflows/apply.yml@refs/heads/main',
    workflow_sha: 'example-sha-0123456789abcdef0123456789abcdef01234567',
    job_workflow_ref: 'acme/infra/.github/workflows/apply.yml@refs/heads/main',
    job_workflow_sha: 'example-sha-0123456789abcdef0123456789abcdef01234567',
    head_ref: '',
    base_ref: '',
    event_name: 'push',
    ref_type: 'branch',
    ref_protected: 'true',
    runner_environment: 'github-hosted',
    run_id: '1234567890',
    run_number: '42',
    run_attempt: '1',
    iss: issuer,
    nbf: iat - 600,
    exp: iat + 300,
    iat,
  };
}

export async function startGitHubActionsIssuer(options: StartOptions = {}): Promise<GitHubActionsIssuer> {
  const clock = options.clock ?? (() => new Date());
  const kid = 'github-test-key-1';
  const published = await generateKeyPair('RS256', { extractable: true });
  const rogue = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(published.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const publicKeyPem = await exportSPKI(published.publicKey);
  const fetches = { discovery: 0, jwks: 0 };
  const path = (options.path ?? '').replace(/\/+$/, '');
  let url = '';

  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && request.url === `${path}/.well-known/openid-configuration`) {
      fetches.discovery += 1;
      send(200, {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'repository_owner', 'environment', 'job_workflow_ref', 'workflow', 'actor', 'run_id', 'sha', 'event_name'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
    } else if (request.method === 'GET' && request.url === `${path}/.well-known/jwks`) {
      fetches.jwks += 1;
      send(200, { keys: [jwk] });
    } else {
      send(404, { message: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const audience = options.audience ?? 'https://github.com/acme';

  const claims = (overrides: GitHubActionsTokenClaims = {}): JWTPayload => {
    const payload: Record<string, unknown> = { ...deployerRunClaims(url, Math.floor(clock().getTime() / 1000), audience), ...overrides };
    for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
    return payload as JWTPayload;
  };

  return {
    url,
    kid,
    publicKeyPem,
    fetches,
    claims,
    async sign(overrides = {}, signOptions = {}) {
      const header = { alg: 'RS256', typ: 'JWT', kid: signOptions.kid ?? (signOptions.rogueKey === true ? 'rogue' : kid) };
      return new SignJWT(claims(overrides)).setProtectedHeader(header).sign(signOptions.rogueKey === true ? rogue.privateKey : published.privateKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

export interface ActionsTokenService {
  /** the variables a job with `permissions: id-token: write` has */
  readonly env: { readonly ACTIONS_ID_TOKEN_REQUEST_URL: string; readonly ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** the audience of each request, in order; `null` for a request without one */
  readonly audiences: (string | null)[];
  /** the HTTP status to answer with instead of a token, to test failures */
  failWith: number | undefined;
  close(): Promise<void>;
}

/**
 * A stand-in for the Actions runtime's token endpoint, on loopback: it checks the request token
 * and answers `{ "value": <token> }` signed by `issuer` for the `audience` asked for, as the
 * runtime behind `ACTIONS_ID_TOKEN_REQUEST_URL` does (`core.getIDToken` in `@actions/core`).
 */
export async function startActionsTokenService(issuer: GitHubActionsIssuer, claims: GitHubActionsTokenClaims = {}): Promise<ActionsTokenService> {
  const requestToken = 'runtime-request-token-not-a-secret-of-parapet';
  const audiences: (string | null)[] = [];
  const state: { failWith: number | undefined } = { failWith: undefined };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' || url.pathname !== '/_apis/distributedtask/idtoken' || url.searchParams.get('api-version') !== '2.0') return send(404, { message: 'not found' });
    // the body echoes what was sent: a client must not print it
    if (request.headers.authorization !== `bearer ${requestToken}`) return send(401, { message: `unauthorized: ${request.headers.authorization ?? ''}` });
    const audience = url.searchParams.get('audience');
    audiences.push(audience);
    if (state.failWith !== undefined) return send(state.failWith, { message: `failed for ${requestToken}` });
    void issuer.sign({ ...(audience === null ? {} : { aud: audience }), ...claims }).then((value) => send(200, { value }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/_apis/distributedtask/idtoken?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    audiences,
    get failWith() {
      return state.failWith;
    },
    set failWith(status: number | undefined) {
      state.failWith = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
