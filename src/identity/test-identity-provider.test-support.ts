/**
 * A real OpenID provider for tests (the demo provider, demo-identity-provider.ts, with known
 * passwords) and a browser-less user who signs in through its HTML pages with fetch and a cookie
 * jar: GET the authorization URL, follow redirects, POST the login form, until the provider
 * redirects to the client's redirect URI. Reused by the server's login route tests.
 */
import type { OidcSettings } from './oidc-settings.ts';
import { startDemoIdentityProvider, type DemoAccount } from './demo-identity-provider.ts';

export interface TestUser {
  readonly email: string;
  readonly groups: readonly string[];
  readonly name?: string;
  readonly subject?: string;
}

export interface TestIdentityProviderOptions {
  readonly users: readonly TestUser[];
  /** default `http://127.0.0.1:9/callback` (nothing listens there: the tests read the redirect) */
  readonly redirectUri?: string;
  /** false: profile and groups only from userinfo (default true: in the ID token too) */
  readonly claimsInIdToken?: boolean;
}

export interface SignInOptions {
  /** tick the login form's "use MFA" box: `amr` gets `mfa` */
  readonly mfa?: boolean;
  /** default the user's password; a wrong one makes signIn throw */
  readonly password?: string;
  /** press Cancel instead: the provider redirects with `error=access_denied` */
  readonly cancel?: boolean;
}

export interface TestIdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** settings for discoverOidcClient pointing at this provider */
  readonly settings: OidcSettings;
  /** signs `email` in from `authorizationUrl`; the URL the provider sends the browser back to */
  signIn(authorizationUrl: string, email: string, options?: SignInOptions): Promise<string>;
  stop(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function startTestIdentityProvider(options: TestIdentityProviderOptions): Promise<TestIdentityProvider> {
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:9/callback';
  const accounts: DemoAccount[] = options.users.map((user) => ({
    email: user.email,
    name: user.name,
    groups: user.groups,
    subject: user.subject,
    password: TEST_PASSWORD,
  }));
  const client = { clientId: 'parapet-test', clientSecret: 'test-client-secret-0123456789', redirectUris: [redirectUri] };
  const provider = await startDemoIdentityProvider({ accounts, client, claimsInIdToken: options.claimsInIdToken });
  return {
    issuer: provider.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri,
    settings: { issuer: provider.issuer, clientId: client.clientId, clientSecret: client.clientSecret },
    signIn: (authorizationUrl, email, signInOptions = {}) => signInWithBrowser(authorizationUrl, redirectUri, email, signInOptions.password ?? TEST_PASSWORD, signInOptions),
    stop: provider.stop,
  };
}

/** follows the provider's pages as a browser would, until the redirect to `redirectUri` */
export async function signInWithBrowser(authorizationUrl: string, redirectUri: string, email: string, password: string, options: SignInOptions = {}): Promise<string> {
  const jar = new CookieJar();
  let request: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: authorizationUrl, method: 'GET' };
  let formPosted = false;
  for (let hop = 0; hop < 20; hop += 1) {
    if (isRedirectUri(request.url, redirectUri)) return request.url;
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(request.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    jar.store(response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      request = { url: new URL(location, request.url).href, method: 'GET' };
      continue;
    }
    const html = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (action === undefined || formPosted) {
      throw new Error(`sign-in of ${email} stopped at ${request.url} with status ${response.status}: ${textOf(html)}`);
    }
    formPosted = true;
    const body = new URLSearchParams({ email, password });
    if (options.mfa === true) body.set('mfa', 'on');
    if (options.cancel === true) body.set('cancel', '1');
    request = { url: new URL(action.replace(/&#38;/g, '&'), request.url).href, method: 'POST', body };
  }
  throw new Error(`sign-in of ${email}: too many redirects`);
}

function isRedirectUri(url: string, redirectUri: string): boolean {
  const target = new URL(url);
  const expected = new URL(redirectUri);
  return target.origin === expected.origin && target.pathname === expected.pathname;
}

function textOf(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** one host's cookies: enough for a provider whose cookies all go back to it */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      if (at < 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', date = ''] = attribute.split('=');
        return key.trim().toLowerCase() === 'expires' && Date.parse(date) <= Date.now();
      });
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
