/**
 * For the session commands' tests: a real listening server with the example organization in force,
 * a credentials file of the test's own (PARAPET_CREDENTIALS_FILE), and a sign-in written into it
 * by the server's real issuing code (issueSignIn), as `parapet login` will.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTestConfig } from '../server/apply-test-config.test-support.ts';
import { issueSignIn } from '../server/issue-sign-in.ts';
import { startTestServer, type TestServer } from '../server/test-server.test-support.ts';
import { CREDENTIALS_FORMAT, readCredentials, writeCredentials, type CredentialsFile } from './credentials-file.ts';

export interface SessionCliFixture {
  readonly server: TestServer;
  readonly url: string;
  readonly credentialsFile: string;
  /** writes a fresh sign-in credential of `user` into the credentials file, replacing what was there */
  signInAs(user: string, options?: { lifetimeSeconds?: number }): Promise<{ token: string; id: string }>;
  credentials(): CredentialsFile;
  close(): Promise<void>;
}

export async function startSessionCliFixture(): Promise<SessionCliFixture> {
  const server = await startTestServer({ listen: true, settings: { host: '127.0.0.1' } });
  await applyTestConfig(server.context);
  const folder = mkdtempSync(join(tmpdir(), 'parapet-cli-'));
  const credentialsFile = join(folder, 'credentials.json');
  process.env['PARAPET_CREDENTIALS_FILE'] = credentialsFile;
  delete process.env['PARAPET_SERVER'];
  const url = server.url!;
  return {
    server,
    url,
    credentialsFile,
    async signInAs(user, options = {}) {
      const { token, claims } = await issueSignIn(server.context, { user, authTime: Math.floor(Date.now() / 1000), lifetimeSeconds: options.lifetimeSeconds });
      writeCredentials(credentialsFile, {
        format: CREDENTIALS_FORMAT,
        defaultServer: url,
        servers: { [url]: { signIn: { token, expiresAt: new Date(claims.exp * 1000).toISOString(), user }, sessions: {} } },
      });
      return { token, id: claims.jti };
    },
    credentials: () => readCredentials(credentialsFile),
    async close() {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
