/**
 * A test server with examples/acme applied the way an apply stores it (a version appended to the
 * real store, then the holder refreshed), and credentials issued by its real key ring: sessions
 * (`use: 'session'`, as `POST /v1/sessions` issues them), sign-ins and service accounts.
 */
import { readConfigDir, type ConfigFiles } from '../org/index.ts';
import { appendConfigVersion } from '../store/index.ts';
import { issueCredential, type CredentialClaims, type CredentialUse } from '../identity/credential.ts';
import { configSnapshot } from './config-snapshot.ts';
import type { RunningServer } from './main.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.test-support.ts';

export const ACME_DIR = 'examples/acme';
export const TEST_ISSUER = 'http://parapet.test';

export async function applyConfigDir(server: RunningServer, dir: string): Promise<number> {
  return applyConfigFiles(server, readConfigDir(dir));
}

/** the files as a new configuration version, made active in this process */
export async function applyConfigFiles(server: RunningServer, files: ConfigFiles): Promise<number> {
  const { snapshot, hash } = configSnapshot(files);
  const version = await appendConfigVersion(server.context.store, { hash, author: 'test', appliedAt: server.context.clock(), snapshot, planReport: '{}' });
  await server.context.config.refresh();
  return version;
}

export async function startAcmeServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  await applyConfigDir(server, ACME_DIR);
  return server;
}

export interface TestCredential {
  readonly user?: string;
  readonly use?: CredentialUse;
  readonly account?: string;
  readonly permissionSet?: string;
  /** seconds before now when the second factor was given; undefined: no MFA */
  readonly mfaSecondsAgo?: number | undefined;
  readonly lifetimeSeconds?: number;
  readonly at?: Date;
}

/** a credential as the server issues it; default: alice's developer session in payments-prod, with MFA a minute ago */
export async function testCredential(server: RunningServer, options: TestCredential = {}): Promise<{ token: string; claims: CredentialClaims }> {
  const now = options.at ?? server.context.clock();
  const seconds = Math.floor(now.getTime() / 1000);
  const use = options.use ?? 'session';
  const mfaSecondsAgo = 'mfaSecondsAgo' in options ? options.mfaSecondsAgo : 60;
  return issueCredential(
    server.context.keys,
    {
      jti: server.context.newId(),
      sub: options.user ?? (use === 'service' ? 'service-account:deployer' : 'alice@acme.example'),
      use,
      authTime: seconds - 120,
      ...(mfaSecondsAgo === undefined ? {} : { mfaTime: seconds - mfaSecondsAgo }),
      ...(use === 'session' ? { account: options.account ?? '400000000001', permissionSet: options.permissionSet ?? 'developer', parent: 'sign-in-1' } : {}),
    },
    { issuer: TEST_ISSUER, now, lifetimeSeconds: options.lifetimeSeconds ?? 3600 },
  );
}
