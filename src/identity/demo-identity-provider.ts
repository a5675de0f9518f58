/**
 * An OpenID provider in process, for trying Parapet out without a company SSO (`serve --demo`)
 * and for the tests (test-identity-provider.test-support.ts): `oidc-provider` on its own HTTP
 * server, with a handful of accounts, one client (Parapet), and a minimal HTML login form whose
 * "use MFA" box adds `mfa` to `amr`, so guardrails that require MFA can be tried.
 *
 * It trusts whoever types a password it printed, keeps everything in memory and signs with a key
 * made at start: it is a toy, so it refuses to listen anywhere but a loopback address, where no
 * other machine can reach it. docs/sso.md.
 *
 * The steps of a sign-in, as the provider runs them:
 *   GET /auth?...                     → redirect to /interaction/UID (the login prompt)
 *   GET /interaction/UID              → the login form
 *   POST /interaction/UID/login       → check the password → finish the login interaction
 *   GET /auth/UID (resume)            → the grant (no consent screen: Parapet is the only client)
 *                                     → redirect to the client's redirect URI with `code`
 */
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import Provider, { type ClaimsAccount, type InteractionDetails, type OidcContext } from 'oidc-provider';
import { configDirectory } from '../org/config-directory.ts';
import type { OrgConfig } from '../org/org-config.ts';
import { ParapetError } from '../policy/parapet-error.ts';
import { isLoopbackHost } from './oidc-login.ts';

export interface DemoAccount {
  /** the user name in the configuration: an e-mail address */
  readonly email: string;
  readonly name?: string | undefined;
  readonly groups: readonly string[];
  readonly password: string;
  /** the `sub` claim; default the e-mail address */
  readonly subject?: string | undefined;
}

export interface DemoClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

export interface DemoIdentityProviderOptions {
  /** a loopback address only: 127.0.0.1 (default), ::1 or localhost */
  readonly host?: string | undefined;
  /** 0 (default) for any free port */
  readonly port?: number | undefined;
  readonly accounts: readonly DemoAccount[];
  readonly client: DemoClient;
  /**
   * put the profile, e-mail and groups claims in the ID token (default true, as most company
   * providers do); false keeps them in userinfo only, as the specification's strict reading does
   */
  readonly claimsInIdToken?: boolean | undefined;
}

export interface DemoIdentityProvider {
  /** the issuer identifier, e.g. `http://127.0.0.1:43123` */
  readonly issuer: string;
  readonly client: DemoClient;
  readonly accounts: readonly DemoAccount[];
  stop(): Promise<void>;
}

/** the claim groups this provider puts in the `profile` scope */
const PROFILE_CLAIMS = ['name', 'preferred_username', 'groups'] as const;
const EMAIL_CLAIMS = ['email', 'email_verified'] as const;
const MAX_FORM_BYTES = 8 * 1024;

export async function startDemoIdentityProvider(options: DemoIdentityProviderOptions): Promise<DemoIdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new ParapetError('usage', `demo identity provider: host \`${host}\` is not a loopback address: the demo provider signs in anyone with a printed password, so it listens only on 127.0.0.1, ::1 or localhost`);
  }
  const accounts = new Map(options.accounts.map((account) => [account.email.toLowerCase(), account]));
  // the issuer names the port, known only once listening: requests wait for the provider until then
  const started: { provider?: Provider } = {};
  const server = createServer((req, res) => {
    const provider = started.provider;
    if (provider === undefined) {
      res.statusCode = 503;
      res.end();
      return;
    }
    handle(provider, accounts, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.statusCode = error instanceof ParapetError && error.code === 'invalid-input' ? 400 : 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
      }
      res.end(`demo identity provider: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await listen(server, host, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  started.provider = new Provider(issuer, await providerConfiguration(options, accounts));
  return {
    issuer,
    client: options.client,
    accounts: options.accounts,
    stop: () => close(server),
  };
}

export interface DemoUser {
  readonly email: string;
  readonly groups: readonly string[];
  readonly password: string;
}

export interface ConfigDemoIdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** every user of the configuration, with the password made for it at start: for `serve --demo` to print */
  readonly users: readonly DemoUser[];
  stop(): Promise<void>;
}

/**
 * The demo provider for a configuration: one account per user (every member of a group), each
 * with a random password, and Parapet as the client with a random secret.
 */
export async function startDemoIdentityProviderForConfig(
  config: OrgConfig,
  options: { readonly redirectUri: string; readonly host?: string | undefined; readonly port?: number | undefined },
): Promise<ConfigDemoIdentityProvider> {
  const directory = configDirectory(config);
  const accounts: DemoAccount[] = directory.listUsers().map((email) => ({
    email,
    name: directory.attributesOf(email)?.displayName ?? email.split('@')[0],
    groups: directory.groupsOf(email),
    password: randomSecret(12),
  }));
  const client: DemoClient = { clientId: 'parapet', clientSecret: randomSecret(24), redirectUris: [options.redirectUri] };
  const provider = await startDemoIdentityProvider({ host: options.host, port: options.port, accounts, client });
  return {
    issuer: provider.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    users: accounts.map(({ email, groups, password }) => ({ email, groups, password })),
    stop: provider.stop,
  };
}

function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

async function providerConfiguration(options: DemoIdentityProviderOptions, accounts: ReadonlyMap<string, DemoAccount>): Promise<Record<string, unknown>> {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await jose.exportJWK(privateKey)), kid: randomSecret(8), alg: 'RS256', use: 'sig' };
  return {
    clients: [
      {
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        redirect_uris: [...options.client.redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        // always say when the user authenticated: Parapet computes aws:MultiFactorAuthAge from it
        require_auth_time: true,
      },
    ],
    findAccount: (_ctx: unknown, id: string): ClaimsAccount | undefined => {
      const account = accounts.get(id);
      if (account === undefined) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: account.subject ?? account.email,
          email: account.email,
          email_verified: true,
          name: account.name ?? account.email,
          preferred_username: account.email,
          groups: [...account.groups],
        }),
      };
    },
    // `amr` goes with the `openid` scope: the provider puts in the ID token only the claims of its scopes
    claims: { acr: null, auth_time: null, sid: null, openid: ['sub', 'amr'], email: [...EMAIL_CLAIMS], profile: [...PROFILE_CLAIMS] },
    // short lives: a sign-in is done in minutes, and nothing here outlives the process anyway
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    conformIdTokenClaims: options.claimsInIdToken === false,
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true }, revocation: { enabled: false } },
    // Parapet is the provider's only client: grant what it asks without a consent screen
    loadExistingGrant: async (ctx: OidcContext) => {
      const { client, session, provider } = ctx.oidc;
      if (client === undefined || session?.accountId === undefined) return undefined;
      const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims([...EMAIL_CLAIMS, ...PROFILE_CLAIMS]);
      await grant.save();
      return grant;
    },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomSecret(32)] },
    adapter: MemoryAdapter,
    renderError: (ctx: { type: string; body: string }, out: Record<string, unknown>) => {
      ctx.type = 'html';
      ctx.body = page('sign-in error', `<p>${escapeHtml(String(out['error'] ?? 'error'))}: ${escapeHtml(String(out['error_description'] ?? ''))}</p>`);
    },
  };
}

/** the interaction pages are ours; everything else is the provider's */
async function handle(provider: Provider, accounts: ReadonlyMap<string, DemoAccount>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://provider.invalid');
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
  if (match === null) {
    provider.callback()(req, res);
    return;
  }
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    // no interaction cookie, or an expired one: not a sign-in this browser started here
    return sendPage(res, 400, page('sign-in error', '<p>this sign-in expired or was not started in this browser: start it again from Parapet</p>'));
  }
  if (details.uid !== match[1]) return sendPage(res, 400, page('sign-in error', '<p>this sign-in page is not the current one</p>'));
  if (details.prompt.name !== 'login') {
    // the grant is loaded without a prompt; any other prompt cannot be answered here
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: `prompt \`${details.prompt.name}\` is not supported` });
  }
  if (match[2] === undefined) {
    if (req.method !== 'GET') return sendPage(res, 405, page('sign-in error', '<p>method not allowed</p>'));
    return sendPage(res, 200, loginForm(details.uid, ''));
  }
  if (req.method !== 'POST') return sendPage(res, 405, page('sign-in error', '<p>method not allowed</p>'));
  const form = await readForm(req);
  if (form.has('cancel')) {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user cancelled the sign-in' }, { mergeWithLastSubmission: false });
  }
  const email = (form.get('email') ?? '').trim().toLowerCase();
  const account = accounts.get(email);
  if (account === undefined || !samePassword(form.get('password') ?? '', account.password)) {
    return sendPage(res, 401, loginForm(details.uid, email, 'wrong e-mail address or password'));
  }
  const mfa = form.get('mfa') === 'on';
  await provider.interactionFinished(req, res, { login: { accountId: email, amr: mfa ? ['pwd', 'mfa'] : ['pwd'], remember: false } }, { mergeWithLastSubmission: false });
}

/** compares digests, so the time taken says nothing about the password */
function samePassword(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new ParapetError('invalid-input', 'the login form is too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginForm(uid: string, email: string, error?: string): string {
  return page(
    'Parapet demo sign-in',
    `<h1>Parapet demo sign-in</h1>
${error === undefined ? '' : `<p class="error">${escapeHtml(error)}</p>`}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>E-mail <input name="email" type="email" autocomplete="username" value="${escapeHtml(email)}" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<label><input name="mfa" type="checkbox"> use MFA (adds <code>mfa</code> to <code>amr</code>)</label>
<button type="submit">Sign in</button> <button type="submit" name="cancel" value="1" formnovalidate>Cancel</button>
</form>
<p>This provider is for trying Parapet out: the passwords were printed when the server started.</p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto}label{display:block;margin:.75rem 0}.error{color:#b00}</style>
</head><body>${body}</body></html>`;
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    server.closeAllConnections();
  });
}

/**
 * The provider's state (sessions, codes, grants) in memory, per instance: oidc-provider's own
 * development adapter is shared by every provider of the process and warns at start.
 */
interface Stored {
  payload: Record<string, unknown>;
  expiresAt: number | undefined;
}

class MemoryAdapter {
  private static readonly stores = new Map<string, Map<string, Stored>>();
  private readonly items: Map<string, Stored>;
  private readonly model: string;

  constructor(model: string) {
    this.model = model;
    // one adapter instance per model and provider; a WeakMap keyed by provider is not reachable here, so models share a store keyed by id, and ids are random
    let items = MemoryAdapter.stores.get(model);
    if (items === undefined) {
      items = new Map();
      MemoryAdapter.stores.set(model, items);
    }
    this.items = items;
  }

  private live(id: string): Stored | undefined {
    const item = this.items.get(id);
    if (item === undefined) return undefined;
    if (item.expiresAt !== undefined && item.expiresAt <= Date.now()) {
      this.items.delete(id);
      return undefined;
    }
    return item;
  }

  upsert(id: string, payload: Record<string, unknown>, expiresIn: number | undefined): Promise<void> {
    this.items.set(id, { payload, expiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000 });
    return Promise.resolve();
  }

  find(id: string): Promise<Record<string, unknown> | undefined> {
    return Promise.resolve(this.live(id)?.payload);
  }

  findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    for (const [id, item] of this.items) if (item.payload['uid'] === uid) return Promise.resolve(this.live(id)?.payload);
    return Promise.resolve(undefined);
  }

  findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    for (const [id, item] of this.items) if (item.payload['userCode'] === userCode) return Promise.resolve(this.live(id)?.payload);
    return Promise.resolve(undefined);
  }

  consume(id: string): Promise<void> {
    const item = this.live(id);
    if (item !== undefined) item.payload = { ...item.payload, consumed: Math.floor(Date.now() / 1000) };
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.items.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, item] of this.items) if (item.payload['grantId'] === grantId) this.items.delete(id);
    return Promise.resolve();
  }

  get name(): string {
    return this.model;
  }
}
