/**
 * `parapet login --server URL [--device]`: sign in with the server's SSO and keep the sign-in
 * credential in the credentials file (credentials-file.ts).
 *
 * - browser (default): listen on a random loopback port under a random path, send the browser to
 *   the server's `/v1/login?cli_redirect=...`; after SSO the server redirects the browser back to
 *   that address with the credential. The random path means no other web page can hand this CLI
 *   a credential of its choosing.
 * - `--device`, for a machine without a browser: print a URL and a code to open on any device,
 *   and poll the server until the sign-in is done.
 *
 * Either way the URL is printed, so a browser that does not open is not a dead end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { DeviceLogin, DeviceToken } from '../contract/login.ts';
import { WhoAmI } from '../contract/whoami.ts';
import { isLoopbackHost } from '../identity/oidc-login.ts';
import { ParapetError } from '../policy/index.ts';
import { credentialsPath, readCredentials, writeCredentials } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { parseServerUrl, serverClient, type ServerClient } from './server-client.ts';

interface LoginOptions {
  server: string;
  device?: boolean;
  browser: boolean;
  timeout: string;
}

export function loginCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('login')
    .description('sign in to a Parapet server with its SSO, and keep the sign-in credential (docs/sso.md)')
    .requiredOption('--server <url>', 'the server, e.g. https://parapet.example.com')
    .option('--device', 'for a machine without a browser: print a URL and a code to open on another device')
    .option('--no-browser', 'do not try to open a browser: only print the URL')
    .option('--timeout <seconds>', 'give up waiting for the sign-in after this long', '600')
    .addHelpText(
      'after',
      `
The credential is kept in ~/.config/parapet/credentials.json (mode 0600; PARAPET_CREDENTIALS_FILE
names another file) and lasts 12 hours. \`parapet logout\` revokes it and deletes the file.

Examples:
  parapet login --server https://parapet.example.com
  parapet login --server https://parapet.example.com --device`,
    )
    .action(async (options: LoginOptions) => {
      const server = checkServerUrl(options.server);
      const timeoutSeconds = Number(options.timeout);
      if (!Number.isSafeInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new ParapetError('usage', `\`--timeout\` must be a whole number of seconds: \`${options.timeout}\``);
      const client = serverClient(server);
      const token = options.device === true ? await deviceSignIn(client, io, timeoutSeconds) : await browserSignIn(server, io, options.browser, timeoutSeconds);
      const me = await client.request({ method: 'GET', path: '/v1/whoami', token, response: WhoAmI });
      if (me.kind !== 'user') throw new ParapetError('internal', 'the server handed out a credential that is not a person\'s');
      const path = credentialsPath();
      const file = readCredentials(path);
      // a new sign-in starts afresh: sessions of an earlier sign-in (perhaps another person's) are dropped
      writeCredentials(path, {
        ...file,
        defaultServer: server,
        servers: { ...file.servers, [server]: { signIn: { token, user: me.user, expiresAt: me.credential.expiresAt }, sessions: {} } },
      });
      io.out(`signed in to ${server} as ${me.user} until ${me.credential.expiresAt}${me.credential.mfa ? ' (with MFA)' : ''}\n`);
      io.err(`parapet: the credential is in ${path}\n`);
      setExit('yes');
    });
}

async function browserSignIn(server: string, io: Io, openBrowser: boolean, timeoutSeconds: number): Promise<string> {
  const secretPath = `/callback/${randomBytes(16).toString('base64url')}`;
  const received = receiveToken(secretPath, timeoutSeconds);
  const port = await received.port;
  try {
    const loginUrl = `${server}/v1/login?cli_redirect=${encodeURIComponent(`http://127.0.0.1:${port}${secretPath}`)}`;
    io.err(`parapet: sign in in your browser: ${loginUrl}\n`);
    if (openBrowser) openInBrowser(loginUrl);
    return await received.token;
  } finally {
    received.close();
  }
}

/** a one-shot listener on 127.0.0.1 for the server's redirect carrying the credential */
function receiveToken(secretPath: string, timeoutSeconds: number): { port: Promise<number>; token: Promise<string>; close(): void } {
  let listener: Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  const token = new Promise<string>((resolve, reject) => {
    listener = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const given = url.searchParams.get('token');
      if (request.method !== 'GET' || url.pathname !== secretPath || given === null || given === '') {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'", 'cache-control': 'no-store' })
        .end('<!doctype html><meta charset="utf-8"><title>Parapet</title><p>Signed in: you can close this tab and go back to the terminal.</p>\n');
      resolve(given);
    });
    timer = setTimeout(() => reject(new ParapetError('unauthenticated', `no sign-in within ${timeoutSeconds} seconds: run \`parapet login\` again`)), timeoutSeconds * 1000);
    timer.unref();
  });
  const port = new Promise<number>((resolve, reject) => {
    listener?.once('error', (error) => reject(new ParapetError('unavailable', `cannot listen on 127.0.0.1 for the sign-in: ${error.message}`)));
    listener?.listen(0, '127.0.0.1', () => resolve((listener?.address() as AddressInfo).port));
  });
  return {
    port,
    token,
    close() {
      clearTimeout(timer);
      listener?.close();
      listener?.closeAllConnections();
    },
  };
}

async function deviceSignIn(client: ServerClient, io: Io, timeoutSeconds: number): Promise<string> {
  const device = await client.request({ method: 'POST', path: '/v1/login/device', response: DeviceLogin });
  io.err(`parapet: on any device, open ${device.verificationUri} and enter the code ${device.userCode}\n`);
  io.err(`parapet: or open ${device.verificationUriComplete}\n`);
  const deadline = Date.now() + Math.min(device.expiresIn, timeoutSeconds) * 1000;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, device.interval * 1000));
    const answer = await client.request({ method: 'POST', path: '/v1/login/device/token', body: { deviceCode: device.deviceCode }, response: DeviceToken });
    if (answer.status === 'complete') return answer.token;
    if (Date.now() >= deadline) throw new ParapetError('unauthenticated', 'the device code expired before the sign-in: run `parapet login --device` again');
  }
}

/** a sign-in credential travels to the server: plain http only for a server on this machine */
function checkServerUrl(given: string): string {
  const server = parseServerUrl(given);
  const url = new URL(server);
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    throw new ParapetError('usage', `\`--server\` must be an https URL (plain http only for a server on this machine): \`${given}\``);
  }
  return server;
}

/** best effort: the URL is printed anyway */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser to open: the printed URL is the way
  }
}
