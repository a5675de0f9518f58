/**
 * The CLI's HTTP client for the Parapet server: JSON in, JSON out, the server's error body turned
 * back into a `ParapetError` with the same code (so `parapet apply` exits as the server answered),
 * a bearer credential when there is one, a timeout, and a clear `unavailable` when the server
 * cannot be reached. Answers are checked against the contract's zod schemas.
 */
import type { z } from 'zod';
import { ErrorBody } from '../contract/error-body.ts';
import { ParapetError } from '../policy/index.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ServerRequest<T extends z.ZodType> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** the path and query, e.g. `/v1/config/versions?limit=10` */
  readonly path: string;
  readonly body?: unknown;
  /** the bearer credential */
  readonly token?: string | undefined;
  /** the answer's shape; the answer is refused when it does not match */
  readonly response: T;
}

export interface ServerClient {
  readonly baseUrl: string;
  request<T extends z.ZodType>(request: ServerRequest<T>): Promise<z.infer<T>>;
}

export interface ServerClientOptions {
  readonly timeoutMs?: number | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/** a server URL as the user typed it: must be http(s), no trailing slash kept */
export function parseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ParapetError('usage', `the server URL is not a URL: \`${text}\``);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ParapetError('usage', `the server URL must start with \`https://\` or \`http://\`: \`${text}\``);
  if (url.username !== '' || url.password !== '') throw new ParapetError('usage', 'the server URL must not hold a user name or password');
  return url.toString().replace(/\/+$/, '');
}

export function serverClient(baseUrl: string, options: ServerClientOptions = {}): ServerClient {
  const base = parseServerUrl(baseUrl);
  const doFetch = options.fetch ?? fetch;
  return {
    baseUrl: base,
    async request(request) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token}`;
      let response: Response;
      try {
        response = await doFetch(`${base}${request.path}`, {
          method: request.method,
          headers,
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
          redirect: 'error',
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        const reason = cause === 'TimeoutError' ? `no answer within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s` : cause;
        throw new ParapetError('unavailable', `cannot reach the Parapet server at ${base}: ${reason}`, { cause: error });
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new ParapetError('unavailable', `the server at ${base} answered ${response.status} with something that is not JSON: is it a Parapet server?`);
      }
      if (!response.ok) {
        const body = ErrorBody.safeParse(json);
        if (!body.success) throw new ParapetError('unavailable', `the server at ${base} answered ${response.status} without Parapet's error body`);
        const { code, message, requestId, issues, details } = body.data.error;
        const located = issues === undefined || issues.length === 0 ? '' : `\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`;
        throw new ParapetError(code, `${message}${located}`, { details: { ...details, requestId, status: response.status, ...(issues === undefined ? {} : { issues }) } });
      }
      const parsed = request.response.safeParse(json);
      if (!parsed.success) throw new ParapetError('unavailable', `the server at ${base} answered in a shape this CLI does not know (a different Parapet version?): ${parsed.error.issues[0]?.message ?? ''}`);
      return parsed.data;
    },
  };
}
