/**
 * GitHub Actions tokens authenticate service accounts on the server: through Fastify `inject`, on
 * the production wiring (main.ts) and a real SQLite store, with tokens from a local issuer shaped
 * like GitHub's ("About security hardening with OpenID Connect",
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { base64url } from 'jose';
import { ErrorBody } from '../contract/error-body.ts';
import { WhoAmI } from '../contract/whoami.ts';
import { startGitHubActionsIssuer, type GitHubActionsIssuer } from '../identity/github-actions-issuer.test-support.ts';
import { acmeFiles, editFiles } from '../org/acme-variant.test-support.ts';
import type { ConfigFiles } from '../org/index.ts';
import { appendConfigVersion } from '../store/index.ts';
import { configSnapshot } from './config-snapshot.ts';
import { resolveServerSettings } from './server-settings.ts';
import { startTestServer, type TestServer } from './test-server.test-support.ts';

/** the test server's public URL: the audience its GitHub Actions tokens must carry */
const SERVER_URL = 'http://parapet.test';
let now = new Date('2026-12-06T12:00:00Z');
let issuer: GitHubActionsIssuer;
let server: TestServer;

before(async () => {
  issuer = await startGitHubActionsIssuer({ clock: () => now, audience: SERVER_URL });
  server = await startTestServer({ clock: () => now, settings: { githubIssuer: issuer.url } });
});
after(async () => {
  await server.close();
  await issuer.close();
});

async function apply(files: ConfigFiles): Promise<void> {
  await appendConfigVersion(server.context.store, { ...configSnapshot(files), author: 'test', appliedAt: now, planReport: '{}' });
  assert.equal(await server.context.config.refresh(), true);
}

function whoami(token: string) {
  return server.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
}

function assertError(response: { statusCode: number; json(): unknown }, status: number, code: string, reason?: string): ErrorBody {
  assert.equal(response.statusCode, status, JSON.stringify(response.json()));
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code);
  if (reason !== undefined) assert.equal(body.error.details?.['reason'], reason);
  return body;
}

describe('before the first apply', () => {
  test('a valid run token is refused: no configuration, so no service account to act as', async () => {
    const body = assertError(await whoami(await issuer.sign()), 401, 'unauthenticated', 'no-matching-service-account');
    assert.match(body.error.message, /no configuration is applied yet/);
  });
});

describe('with examples/acme applied', () => {
  before(() => apply(acmeFiles));

  test('a run of acme/infra on main in production is the deployer service account, with its run', async () => {
    const response = await whoami(await issuer.sign());
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(WhoAmI.parse(response.json()), {
      kind: 'service-account',
      serviceAccount: 'deployer',
      via: 'github-actions',
      workflowRun: {
        repository: 'acme/infra',
        ref: 'refs/heads/main',
        environment: 'production',
        workflow: 'apply',
        runId: '1234567890',
        actor: 'erin',
        sha: 'example-sha-0123456789abcdef0123456789abcdef01234567',
      },
    });
  });

  test('a run the deployer does not accept: 403 forbidden, saying which claim', async () => {
    const body = assertError(await whoami(await issuer.sign({ environment: 'staging' })), 403, 'forbidden', 'no-matching-service-account');
    assert.equal(body.error.message, 'github actions token: no service account accepts this workflow run of `acme/infra`: `deployer` does not accept `environment` `staging`');
  });

  test('expired, wrong audience, `alg: none`, an unpublished key, a tampered payload: 401 with the reason, and `WWW-Authenticate: Bearer`', async () => {
    const expired = await issuer.sign({ exp: Math.floor(now.getTime() / 1000) - 120 });
    const forgedHeader = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const unsigned = `${forgedHeader}.${base64url.encode(JSON.stringify(issuer.claims()))}.`;
    const [header, , signature] = (await issuer.sign({ environment: 'staging' })).split('.');
    const tampered = `${header}.${base64url.encode(JSON.stringify(issuer.claims()))}.${signature}`;
    const cases = [
      [expired, 'token-expired'],
      [await issuer.sign({ aud: 'https://github.com/acme' }), 'wrong-audience'],
      [unsigned, 'token-algorithm-not-allowed'],
      [await issuer.sign({}, { rogueKey: true }), 'unknown-signing-key'],
      [tampered, 'bad-signature'],
    ] as const;
    for (const [token, reason] of cases) {
      const response = await whoami(token);
      assertError(response, 401, 'unauthenticated', reason);
      assert.equal(response.headers['www-authenticate'], 'Bearer');
    }
  });

  test('a token from another issuer is not taken for GitHub\'s, nor for Parapet\'s own', async () => {
    const body = assertError(await whoami(await issuer.sign({ iss: 'https://token.actions.example' })), 401, 'unauthenticated');
    assert.equal(body.error.message, 'the bearer token is not a credential this server accepts');
  });

  test('the time is the server\'s clock: the same token expires when the clock passes `exp`', async () => {
    const token = await issuer.sign();
    assert.equal((await whoami(token)).statusCode, 200);
    const saved = now;
    now = new Date(saved.getTime() + 10 * 60 * 1000);
    try {
      assertError(await whoami(token), 401, 'unauthenticated', 'token-expired');
    } finally {
      now = saved;
    }
  });
});

describe('the active configuration decides', () => {
  test('once a version without the deployer\'s trust is applied, the same token no longer acts as it; a new trust takes effect', async () => {
    const token = await issuer.sign();
    assert.equal((await whoami(token)).statusCode, 200);
    await apply(editFiles(acmeFiles, [['parapet.yaml', '      environment: production\n', '      environment: production-eu\n']]));
    const body = assertError(await whoami(token), 403, 'forbidden', 'no-matching-service-account');
    assert.match(body.error.message, /`deployer` does not accept `environment` `production`$/);
    const eu = await whoami(await issuer.sign({ environment: 'production-eu' }));
    assert.equal(eu.statusCode, 200);
    assert.equal(WhoAmI.parse(eu.json()).kind, 'service-account');
  });
});

test('an issuer that cannot be reached: 503 unavailable, nothing authenticated', async () => {
  const gone = await startGitHubActionsIssuer({ clock: () => now, audience: SERVER_URL });
  const token = await gone.sign();
  const other = await startTestServer({ clock: () => now, settings: { githubIssuer: gone.url } });
  await gone.close();
  try {
    await appendConfigVersion(other.context.store, { ...configSnapshot(acmeFiles), author: 'test', appliedAt: now, planReport: '{}' });
    await other.context.config.refresh();
    const response = await other.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
    assertError(response, 503, 'unavailable');
  } finally {
    await other.close();
  }
});

describe('settings', () => {
  test('the issuer and audience come from flags or PARAPET_GITHUB_*; the audience defaults to the public URL', () => {
    const defaults = resolveServerSettings({ flags: { publicUrl: 'https://parapet.acme.example/' }, env: {} });
    assert.equal(defaults.githubIssuer, 'https://token.actions.githubusercontent.com');
    assert.equal(defaults.githubAudience, 'https://parapet.acme.example');
    const fromEnv = resolveServerSettings({ env: { PARAPET_GITHUB_ISSUER: 'https://ghes.acme.example/_services/token', PARAPET_GITHUB_AUDIENCE: 'parapet-ci' } });
    assert.deepEqual([fromEnv.githubIssuer, fromEnv.githubAudience], ['https://ghes.acme.example/_services/token', 'parapet-ci']);
    const flagsWin = resolveServerSettings({ flags: { githubAudience: 'from-flag' }, env: { PARAPET_GITHUB_AUDIENCE: 'parapet-ci' } });
    assert.equal(flagsWin.githubAudience, 'from-flag');
  });

  test('a server with its own audience accepts tokens for it, and refuses tokens for its public URL', async () => {
    const own = await startTestServer({ clock: () => now, settings: { githubIssuer: issuer.url, githubAudience: 'parapet-ci' } });
    try {
      await appendConfigVersion(own.context.store, { ...configSnapshot(acmeFiles), author: 'test', appliedAt: now, planReport: '{}' });
      await own.context.config.refresh();
      const ask = async (aud: string) => own.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${await issuer.sign({ aud })}` } });
      assert.equal((await ask('parapet-ci')).statusCode, 200);
      assertError(await ask(SERVER_URL), 401, 'unauthenticated', 'wrong-audience');
    } finally {
      await own.close();
    }
  });
});
