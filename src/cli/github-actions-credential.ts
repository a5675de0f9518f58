/**
 * The credential a command sends to the server (`parapet apply` from CI), found in this order:
 *
 *   `--token-file FILE` → the `PARAPET_TOKEN` environment variable → in GitHub Actions, an OIDC
 *   token requested from the runtime for the server's audience
 *
 * The last needs no stored secret: a job with `permissions: id-token: write` gets
 * `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, and asks the runtime for a
 * token bound to the audience (docs/service-accounts.md). No token, and not the runtime's request
 * token, ever appears in a message.
 */
import { readBoundedFile } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';

export type CredentialSource = 'token-file' | 'PARAPET_TOKEN' | 'github-actions';

export interface Credential {
  readonly token: string;
  /** where it came from, for a progress line (never the token itself) */
  readonly source: CredentialSource;
}

export interface CredentialOptions {
  /** `--token-file` */
  readonly tokenFile?: string | undefined;
  /** the environment: `process.env`, or a test's */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** the audience a GitHub Actions token is requested for: the server's public URL */
  readonly audience: string;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** a bearer token of a few KB at most; a larger file is not one */
const MAX_TOKEN_BYTES = 64 * 1024;

export async function githubActionsCredential(options: CredentialOptions): Promise<Credential> {
  if (options.tokenFile !== undefined) return { token: readTokenFile(options.tokenFile), source: 'token-file' };
  const fromEnv = options.env['PARAPET_TOKEN'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { token: fromEnv.trim(), source: 'PARAPET_TOKEN' };
  const url = options.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  const requestToken = options.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  if (url !== undefined && url !== '' && requestToken !== undefined && requestToken !== '') {
    const token = await requestGitHubActionsToken({ url, requestToken, audience: options.audience, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    return { token, source: 'github-actions' };
  }
  const hint =
    options.env['GITHUB_ACTIONS'] === 'true'
      ? ': this GitHub Actions job cannot request an OIDC token: give it `permissions: id-token: write`'
      : ': give `--token-file FILE`, set `PARAPET_TOKEN`, or run in GitHub Actions with `permissions: id-token: write`';
  throw new ParapetError('usage', `no credential for the server${hint}`);
}

function readTokenFile(path: string): string {
  const token = readBoundedFile(path, MAX_TOKEN_BYTES).trim();
  if (token === '') throw new ParapetError('invalid-input', `token file \`${path}\` is empty`, { path });
  if (/\s/.test(token)) throw new ParapetError('invalid-input', `token file \`${path}\` holds more than one token: expected one line`, { path });
  return token;
}

export interface GitHubActionsTokenRequest {
  /** `ACTIONS_ID_TOKEN_REQUEST_URL` */
  readonly url: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN`: the runtime's bearer for this request only */
  readonly requestToken: string;
  readonly audience: string;
  readonly timeoutMs: number;
}

/**
 * Asks the Actions runtime for an OIDC token, as `core.getIDToken(audience)` of `@actions/core`
 * does: GET the request URL with an `audience` parameter added, the request token as bearer; the
 * answer is `{ "value": "<jwt>" }`.
 */
export async function requestGitHubActionsToken(request: GitHubActionsTokenRequest): Promise<string> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new ParapetError('invalid-input', '`ACTIONS_ID_TOKEN_REQUEST_URL` is not a URL');
  }
  // the request token is a credential: never sent in clear, except to this machine (a test's runtime)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ParapetError('invalid-input', `\`ACTIONS_ID_TOKEN_REQUEST_URL\` must be https, not \`${url.protocol}\``);
  }
  url.searchParams.set('audience', request.audience);
  const where = `the GitHub Actions token service (${url.origin})`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `bearer ${request.requestToken}`, accept: 'application/json; api-version=2.0' },
      redirect: 'error',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${request.timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    throw new ParapetError('unavailable', `cannot request an OIDC token from ${where}: ${reason}`, { cause: error });
  }
  if (!response.ok) {
    // the body may echo what was sent; only the status is shown
    await response.body?.cancel();
    const hint = response.status === 401 || response.status === 403 ? ': does the job have `permissions: id-token: write`?' : '';
    throw new ParapetError('unavailable', `${where} answered HTTP ${response.status}${hint}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ParapetError('unavailable', `${where} answered with something that is not JSON`);
  }
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['value'] : undefined;
  if (typeof value !== 'string' || value.split('.').length !== 3) throw new ParapetError('unavailable', `${where} answered without a token in \`value\``);
  return value;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
