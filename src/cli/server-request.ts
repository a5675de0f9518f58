/**
 * One request from the CLI to a Parapet server: JSON in and out, the server's error body turned
 * back into a ParapetError with the same code (so the exit status follows the one table), and a
 * server that cannot be reached as `unavailable`.
 */
import { ErrorBody } from '../contract/error-body.ts';
import { ParapetError } from '../policy/index.ts';
import { isLoopbackHost } from '../identity/oidc-login.ts';

export interface ServerRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token?: string | undefined;
  readonly body?: unknown;
  /** seconds; default 30 */
  readonly timeoutSeconds?: number | undefined;
}

export async function requestServer(server: string, request: ServerRequest): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${server}${request.path}`, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.token === undefined ? {} : { authorization: `Bearer ${request.token}` }),
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout((request.timeoutSeconds ?? 30) * 1000),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ((error.cause as NodeJS.ErrnoException).code ?? error.cause.message) : error instanceof Error ? error.name : String(error);
    throw new ParapetError('unavailable', `cannot reach the server at \`${server}\`: ${cause}`, { cause: error });
  }
  const text = await response.text();
  let value: unknown;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (response.ok) {
    if (value === undefined) throw new ParapetError('unavailable', `the server at \`${server}\` answered \`${request.method} ${request.path}\` with something that is not JSON`);
    return value;
  }
  const body = ErrorBody.safeParse(value);
  if (body.success) throw new ParapetError(body.data.error.code, `the server says: ${body.data.error.message}`, { details: { requestId: body.data.error.requestId } });
  throw new ParapetError('unavailable', `the server at \`${server}\` answered \`${request.method} ${request.path}\` with HTTP ${response.status}`);
}

/**
 * The server's URL as given to `--server`, without a trailing slash. Credentials travel to it, so
 * plain http is refused but for a server on this machine.
 */
export function checkServerUrl(given: string): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ParapetError('usage', `\`--server\` is not a URL: \`${given}\``);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ParapetError('usage', `\`--server\` must be an https URL (plain http only for a server on this machine): \`${given}\``);
  }
  return url.href.replace(/\/+$/, '');
}
