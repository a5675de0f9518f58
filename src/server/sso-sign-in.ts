/**
 * What the sign-in routes need, made once by the composition root: the relying party for the
 * configured provider (discovered on first use and again after a failure, so a provider that is
 * down at start does not stop the server, and sign-in answers `unavailable` until it is back),
 * the key that seals the pending sign-in cookie, and, with `--demo`, the in-process demo provider.
 *
 * The cookie key is derived from the key encryption key when one is set, so every process of a
 * deployment can finish a sign-in another process started; without one it is random per process
 * (a single process, or sticky sessions).
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import type { ConfigDemoIdentityProvider } from '../identity/demo-identity-provider.ts';
import { discoverOidcClient, isLoopbackHost, type OidcClient } from '../identity/oidc-login.ts';
import { resolveOidcSettings, type OidcSettings, type ResolvedOidcSettings } from '../identity/oidc-settings.ts';
import type { OrgConfig } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import type { ServerSettings } from './server-settings.ts';

export const CALLBACK_PATH = '/v1/login/callback';

export interface SsoSignIn {
  readonly settings: ResolvedOidcSettings;
  /** the provider's relying party; `unavailable` while the provider cannot be reached */
  client(): Promise<OidcClient>;
  /** 32 bytes: seals the pending sign-in cookie */
  readonly cookieKey: Uint8Array;
  /** the redirect URI registered at the provider: the public URL + CALLBACK_PATH */
  readonly redirectUri: string;
  /** with `--demo`: the provider in process, with the passwords it made */
  readonly demo?: ConfigDemoIdentityProvider | undefined;
  stop(): Promise<void>;
}

export function redirectUriOf(settings: Pick<ServerSettings, 'publicUrl'>): string {
  return `${settings.publicUrl}${CALLBACK_PATH}`;
}

/** undefined when the settings name no provider and no demo: sign-in answers `unavailable` */
export async function createSsoSignIn(settings: ServerSettings, demoConfig: () => OrgConfig | undefined): Promise<SsoSignIn | undefined> {
  const cookieKey = deriveCookieKey(settings.keyEncryptionKey);
  const redirectUri = redirectUriOf(settings);
  if (settings.demo) {
    if (settings.sso !== undefined) throw new ParapetError('usage', '`--demo` runs its own identity provider: remove the `sso` settings, or `--demo`');
    if (!isLoopbackHost(settings.host)) {
      throw new ParapetError('usage', `\`--demo\` signs in anyone with a printed password: the server must listen on loopback only (127.0.0.1, ::1 or localhost), not \`${settings.host}\``);
    }
    const config = demoConfig();
    if (config === undefined) throw new ParapetError('usage', '`--demo` needs a configuration for its users: apply one first, or pass `--config DIR`');
    // loaded only for --demo: oidc-provider warns about Node.js 20 as soon as it is imported, and
    // every other command of the CLI would print that
    const { startDemoIdentityProviderForConfig } = await import('../identity/demo-identity-provider.ts');
    const demo = await startDemoIdentityProviderForConfig(config, { redirectUri });
    const oidcSettings: OidcSettings = { issuer: demo.issuer, clientId: demo.clientId, clientSecret: demo.clientSecret };
    return { ...lazyClient(oidcSettings), cookieKey, redirectUri, demo, stop: demo.stop };
  }
  if (settings.sso === undefined) return undefined;
  const { clientSecret, ...sso } = settings.sso;
  if (clientSecret === undefined) throw new ParapetError('usage', 'sso: a client secret is required (`sso.clientSecret` or PARAPET_SSO_CLIENT_SECRET)');
  return { ...lazyClient({ ...sso, clientSecret }), cookieKey, redirectUri, stop: () => Promise.resolve() };
}

function lazyClient(oidcSettings: OidcSettings): Pick<SsoSignIn, 'settings' | 'client'> {
  let discovered: Promise<OidcClient> | undefined;
  return {
    settings: resolveOidcSettings(oidcSettings),
    client() {
      discovered ??= discoverOidcClient(oidcSettings).catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
      return discovered;
    },
  };
}

function deriveCookieKey(keyEncryptionKey: string | undefined): Uint8Array {
  if (keyEncryptionKey === undefined) return randomBytes(32);
  return new Uint8Array(hkdfSync('sha256', Buffer.from(keyEncryptionKey, 'base64'), Buffer.alloc(0), 'parapet: pending sign-in cookie', 32));
}
