/**
 * A loopback HTTP proxy in front of the AWS emulator that answers some requests itself and passes
 * the others on, on a real socket (no hand-written mock of the SDK):
 * - `startThrottlingProxy`: AWS's throttling error first, so the SDK's retries meet a real HTTP 400;
 * - `startRecordedProxy`: AWS's documented responses for the operations the emulator does not
 *   implement or implements differently (docs/aws.md, "Where the emulator differs from AWS").
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsProxy {
  readonly endpoint: string;
  /** the requests the proxy answered itself, each as its query parameters */
  readonly answered: readonly Readonly<Record<string, string>>[];
  close(): Promise<void>;
}

export interface RecordedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * IAM and STS speak the query protocol: their throttling error is `Throttling`, HTTP 400, in XML
 * (IAM API Reference, Common Errors: "Throttling: The request was denied due to request throttling", 400)
 */
export const QUERY_THROTTLING: RecordedAnswer = {
  status: 400,
  headers: { 'content-type': 'text/xml' },
  body: '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>6e5f1e1a-0000-4000-8000-000000000000</RequestId></ErrorResponse>',
};

export async function startAwsProxy(upstream: string, answer: (request: IncomingMessage, body: string) => RecordedAnswer | undefined): Promise<AwsProxy> {
  const answered: Record<string, string>[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const own = answer(request, text);
      if (own !== undefined) {
        answered.push(Object.fromEntries(new URLSearchParams(text)));
        response.writeHead(own.status, own.headers);
        response.end(own.body);
        return;
      }
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length')) as Record<string, string>;
      void fetch(`${upstream}${request.url ?? '/'}`, { method: request.method ?? 'POST', headers, body })
        .then(async (reply) => {
          response.writeHead(reply.status, Object.fromEntries(reply.headers.entries()));
          response.end(Buffer.from(await reply.arrayBuffer()));
        })
        .catch((error: unknown) => {
          response.writeHead(502);
          response.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${port}`, answered, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `throttle(request, body)` says whether to throttle a request; each distinct request is throttled at most once, so a retry goes through */
export function startThrottlingProxy(upstream: string, throttle: (request: IncomingMessage, body: string) => boolean, answer: RecordedAnswer = QUERY_THROTTLING): Promise<AwsProxy> {
  const seen = new Set<string>();
  return startAwsProxy(upstream, (request, body) => {
    const key = `${String(request.headers['x-amz-target'])} ${String(request.headers.authorization).split('Credential=')[1]?.split('/')[0] ?? ''} ${body}`;
    if (seen.has(key) || !throttle(request, body)) return undefined;
    seen.add(key);
    return answer;
  });
}

/** answers the query-protocol operations (`Action=…`) `recorded` has */
export function startRecordedProxy(upstream: string, recorded: Readonly<Record<string, RecordedAnswer>>): Promise<AwsProxy> {
  return startAwsProxy(upstream, (_, body) => {
    const action = new URLSearchParams(body).get('Action');
    return action === null ? undefined : recorded[action];
  });
}
