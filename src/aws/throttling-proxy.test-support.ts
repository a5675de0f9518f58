/**
 * A loopback HTTP proxy in front of the AWS emulator that answers some requests with AWS's
 * throttling error before passing them on: the SDK's retries meet a real HTTP 400 on a real socket,
 * as they would AWS's (no hand-written mock of the SDK).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottlingProxy {
  readonly endpoint: string;
  /** how many requests were answered with the throttling error */
  throttled(): number;
  close(): Promise<void>;
}

export interface ThrottledAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * IAM and STS speak the query protocol: their throttling error is `Throttling`, HTTP 400, in XML
 * (IAM API Reference, Common Errors: "Throttling: The request was denied due to request throttling", 400)
 */
export const QUERY_THROTTLING: ThrottledAnswer = {
  status: 400,
  headers: { 'content-type': 'text/xml' },
  body: '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>6e5f1e1a-0000-4000-8000-000000000000</RequestId></ErrorResponse>',
};

/**
 * `throttle(request, body)` says whether to answer this request with the throttling error; each
 * distinct request is throttled at most once, so a retry goes through
 */
export async function startThrottlingProxy(upstream: string, throttle: (request: IncomingMessage, body: string) => boolean, answer: ThrottledAnswer = QUERY_THROTTLING): Promise<ThrottlingProxy> {
  const seen = new Set<string>();
  let throttled = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const key = `${String(request.headers['x-amz-target'])} ${String(request.headers.authorization).split('Credential=')[1]?.split('/')[0] ?? ''} ${text}`;
      if (!seen.has(key) && throttle(request, text)) {
        seen.add(key);
        throttled += 1;
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
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
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttled: () => throttled,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
