/**
 * How `parapet apply` finds its credential in CI: a token file, `PARAPET_TOKEN`, or an OIDC token
 * requested from the GitHub Actions runtime (imitated on loopback) for the server's audience, the
 * way `core.getIDToken(audience)` does ("About security hardening with OpenID Connect",
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGitHubActionsVerifier } from '../identity/github-actions-token.ts';
import { startActionsTokenService, startGitHubActionsIssuer, type ActionsTokenService, type GitHubActionsIssuer } from '../identity/github-actions-issuer.test-support.ts';
import { acmeFiles, parseValid } from '../org/acme-variant.test-support.ts';
import { ParapetError } from '../policy/index.ts';
import { githubActionsCredential } from './github-actions-credential.ts';

const SERVER = 'https://parapet.acme.example';
const dir = mkdtempSync(join(tmpdir(), 'parapet-credential-'));
let issuer: GitHubActionsIssuer;
let runtime: ActionsTokenService;
before(async () => {
  issuer = await startGitHubActionsIssuer();
  runtime = await startActionsTokenService(issuer);
});
after(async () => {
  await runtime.close();
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

const rejectsWith = (code: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ParapetError, String(error));
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return true;
};

describe('in GitHub Actions, with `id-token: write`', () => {
  test('requests a token for the server\'s audience, which the server accepts as the deployer', async () => {
    const credential = await githubActionsCredential({ env: { ...runtime.env, GITHUB_ACTIONS: 'true' }, audience: SERVER });
    assert.equal(credential.source, 'github-actions');
    assert.equal(runtime.audiences.at(-1), SERVER);
    const verified = await createGitHubActionsVerifier({ issuer: issuer.url, audience: SERVER }).verify(credential.token, parseValid(acmeFiles));
    assert.ok(verified.ok, JSON.stringify(verified.issues));
    assert.equal(verified.value.serviceAccount, 'deployer');
    assert.deepEqual(verified.value.claims.aud, [SERVER]);
  });

  test('the runtime refusing: the status and a hint, never the request token nor what the runtime echoed', async () => {
    runtime.failWith = 403;
    try {
      await assert.rejects(githubActionsCredential({ env: runtime.env, audience: SERVER }), (error: unknown) => {
        rejectsWith('unavailable', /answered HTTP 403: does the job have `permissions: id-token: write`\?$/)(error);
        assert.ok(!(error as Error).message.includes(runtime.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN));
        return true;
      });
    } finally {
      runtime.failWith = undefined;
    }
  });

  test('a wrong request token is refused by the runtime; its echo is not shown', async () => {
    const env = { ...runtime.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'stolen-looking-value' };
    await assert.rejects(githubActionsCredential({ env, audience: SERVER }), (error: unknown) => {
      rejectsWith('unavailable', /answered HTTP 401/)(error);
      assert.ok(!(error as Error).message.includes('stolen-looking-value'));
      return true;
    });
  });

  test('a runtime that cannot be reached, or a request URL in clear to another machine, is refused', async () => {
    const closed = await startActionsTokenService(issuer);
    const env = closed.env;
    await closed.close();
    await assert.rejects(githubActionsCredential({ env, audience: SERVER, timeoutMs: 2_000 }), rejectsWith('unavailable', /cannot request an OIDC token from the GitHub Actions token service/));
    const clear = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://pipelines.example/idtoken?api-version=2.0', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' };
    await assert.rejects(githubActionsCredential({ env: clear, audience: SERVER }), rejectsWith('invalid-input', /must be https, not `http:`/));
  });
});

describe('a token given', () => {
  test('`--token-file` first, then `PARAPET_TOKEN`, both before asking the runtime', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-the-file\n');
    const env = { ...runtime.env, PARAPET_TOKEN: 'from-the-environment' };
    const before = runtime.audiences.length;
    assert.deepEqual(await githubActionsCredential({ tokenFile: file, env, audience: SERVER }), { token: 'from-the-file', source: 'token-file' });
    assert.deepEqual(await githubActionsCredential({ env, audience: SERVER }), { token: 'from-the-environment', source: 'PARAPET_TOKEN' });
    assert.equal(runtime.audiences.length, before, 'the runtime was not asked');
  });

  test('a token file that is empty, holds two tokens, or does not exist', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    await assert.rejects(githubActionsCredential({ tokenFile: empty, env: {}, audience: SERVER }), rejectsWith('invalid-input', /is empty$/));
    const two = join(dir, 'two');
    writeFileSync(two, 'a\nb\n');
    await assert.rejects(githubActionsCredential({ tokenFile: two, env: {}, audience: SERVER }), rejectsWith('invalid-input', /more than one token/));
    await assert.rejects(githubActionsCredential({ tokenFile: join(dir, 'missing'), env: {}, audience: SERVER }), rejectsWith('not-found', /missing/));
  });
});

test('no credential at all: a usage error saying what to give; in a job without `id-token: write`, saying so', async () => {
  await assert.rejects(githubActionsCredential({ env: {}, audience: SERVER }), rejectsWith('usage', /give `--token-file FILE`, set `PARAPET_TOKEN`, or run in GitHub Actions/));
  await assert.rejects(githubActionsCredential({ env: { GITHUB_ACTIONS: 'true' }, audience: SERVER }), rejectsWith('usage', /give it `permissions: id-token: write`$/));
});
