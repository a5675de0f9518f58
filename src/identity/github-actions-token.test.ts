/**
 * GitHub Actions OIDC tokens authenticate service accounts. The tokens are signed by a local
 * issuer shaped like GitHub's (github-actions-issuer.test-support.ts), whose discovery document and
 * key set are served on loopback. Claims and lifetimes as GitHub documents them: "About security
 * hardening with OpenID Connect",
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect,
 * and its "OpenID Connect reference", https://docs.github.com/en/actions/reference/security/oidc.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { base64url, SignJWT } from 'jose';
import { acmeFiles, acmeVariant, parseValid } from '../org/acme-variant.test-support.ts';
import type { OrgConfig } from '../org/index.ts';
import { ParapetError, type Result } from '../policy/index.ts';
import { startGitHubActionsIssuer, type GitHubActionsIssuer } from './github-actions-issuer.test-support.ts';
import { createGitHubActionsVerifier, gitHubActionsFailure, type GitHubActionsIdentity } from './github-actions-token.ts';

const AUDIENCE = 'https://parapet.acme.example';
const NOW = new Date('2026-12-06T06:00:00Z');
const acme = parseValid(acmeFiles);

let issuer: GitHubActionsIssuer;
before(async () => {
  issuer = await startGitHubActionsIssuer({ clock: () => NOW, audience: AUDIENCE });
});
after(() => issuer.close());

function verifier(options: { clock?: () => Date; audience?: string; issuer?: string } = {}) {
  return createGitHubActionsVerifier({ issuer: options.issuer ?? issuer.url, audience: options.audience ?? AUDIENCE, clock: options.clock ?? (() => NOW) });
}

function refusal(result: Result<GitHubActionsIdentity>): { code: string; message: string } {
  assert.equal(result.ok, false, 'the token should be refused');
  assert.equal(result.issues.length, 1);
  const [issue] = result.issues;
  assert.ok(issue !== undefined);
  assert.equal(issue.severity, 'error');
  return { code: issue.code, message: issue.message };
}

const at = (seconds: number) => () => new Date(NOW.getTime() + seconds * 1000);
const part = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('a valid token', () => {
  test('a run of acme/infra on main in production acts as the deployer, with its claims', async () => {
    const result = await verifier().verify(await issuer.sign(), acme);
    assert.ok(result.ok, JSON.stringify(result.issues));
    assert.equal(result.value.serviceAccount, 'deployer');
    const { claims } = result.value;
    assert.equal(claims.repository, 'acme/infra');
    assert.equal(claims.ref, 'refs/heads/main');
    assert.equal(claims.environment, 'production');
    assert.equal(claims.actor, 'erin');
    assert.equal(claims.run_id, '1234567890');
    assert.equal(claims.sub, 'repo:acme/infra:environment:production');
    assert.deepEqual(claims.aud, [AUDIENCE]);
    assert.equal(claims.iss, issuer.url);
  });

  test('the discovery document and the key set are fetched once, then cached', async () => {
    const own = await startGitHubActionsIssuer({ clock: () => NOW, audience: AUDIENCE });
    try {
      const v = createGitHubActionsVerifier({ issuer: own.url, audience: AUDIENCE, clock: () => NOW });
      for (let i = 0; i < 3; i += 1) assert.ok((await v.verify(await own.sign(), acme)).ok);
      assert.deepEqual(own.fetches, { discovery: 1, jwks: 1 });
    } finally {
      await own.close();
    }
  });

  test('an issuer under a path, as GitHub Enterprise Server\'s `/_services/token`', async () => {
    const ghes = await startGitHubActionsIssuer({ path: '/_services/token', clock: () => NOW, audience: AUDIENCE });
    try {
      assert.match(ghes.url, /\/_services\/token$/);
      const result = await createGitHubActionsVerifier({ issuer: ghes.url, audience: AUDIENCE, clock: () => NOW }).verify(await ghes.sign(), acme);
      assert.ok(result.ok);
      assert.equal(result.value.serviceAccount, 'deployer');
    } finally {
      await ghes.close();
    }
  });

  test('within the clock tolerance (30 s) after `exp`, still valid; the issuer with a trailing `/` is the same', async () => {
    const result = await verifier({ clock: at(300 + 29), issuer: `${issuer.url}/` }).verify(await issuer.sign(), acme);
    assert.ok(result.ok);
  });
});

describe('claims that no service account accepts: no-matching-service-account', () => {
  test('another repository: none trusts it, and nothing of the configuration is told', async () => {
    const token = await issuer.sign({ repository: 'mallory/infra', repository_owner: 'mallory', sub: 'repo:mallory/infra:environment:production' });
    const { code, message } = refusal(await verifier().verify(token, acme));
    assert.equal(code, 'no-matching-service-account');
    assert.equal(message, 'no service account trusts repository `mallory/infra`');
  });

  test('another branch: the ref the deployer did not accept', async () => {
    const { code, message } = refusal(await verifier().verify(await issuer.sign({ ref: 'refs/heads/feature' }), acme));
    assert.equal(code, 'no-matching-service-account');
    assert.equal(message, 'no service account accepts this workflow run of `acme/infra`: `deployer` does not accept `ref` `refs/heads/feature`');
  });

  test('another environment, or none (a job without `environment:`)', async () => {
    const staging = refusal(await verifier().verify(await issuer.sign({ environment: 'staging' }), acme));
    assert.equal(staging.message, 'no service account accepts this workflow run of `acme/infra`: `deployer` does not accept `environment` `staging`');
    const none = refusal(await verifier().verify(await issuer.sign({ environment: undefined, sub: 'repo:acme/infra:ref:refs/heads/main' }), acme));
    assert.equal(none.message, 'no service account accepts this workflow run of `acme/infra`: `deployer` does not accept no `environment`');
  });

  test('a pull request of the repository: its ref is `refs/pull/N/merge`, never main', async () => {
    const token = await issuer.sign({ ref: 'refs/pull/7/merge', event_name: 'pull_request', environment: undefined, sub: 'repo:acme/infra:pull_request' });
    const { message } = refusal(await verifier().verify(token, acme));
    assert.match(message, /`deployer` does not accept `ref` `refs\/pull\/7\/merge`, no `environment`$/);
  });

  test('a `jobWorkflowRef` restriction: another workflow file of the same repository and branch is refused', async () => {
    const config = acmeVariant([['parapet.yaml', '      environment: production\n', '      environment: production\n      jobWorkflowRef: acme/infra/.github/workflows/apply.yml@refs/heads/main\n']]);
    assert.ok((await verifier().verify(await issuer.sign(), config)).ok);
    const other = await issuer.sign({ job_workflow_ref: 'acme/infra/.github/workflows/experiment.yml@refs/heads/main' });
    const { message } = refusal(await verifier().verify(other, config));
    assert.equal(message, 'no service account accepts this workflow run of `acme/infra`: `deployer` does not accept `job_workflow_ref` `acme/infra/.github/workflows/experiment.yml@refs/heads/main`');
  });
});

describe('a token for one service account cannot act as another', () => {
  // a previewer for staging runs of the same repository, bound to its own audience
  const config: OrgConfig = acmeVariant([
    [
      'parapet.yaml',
      '      environment: production\n',
      '      environment: production\n  previewer:\n    permissionSet: read-only\n    accounts: [payments-staging]\n    github:\n      repository: acme/infra\n      environment: staging\n      audience: parapet-preview\n',
    ],
  ]);

  test('each run acts as the one service account whose trust it meets', async () => {
    const production = await verifier().verify(await issuer.sign(), config);
    assert.ok(production.ok);
    assert.equal(production.value.serviceAccount, 'deployer');
    const staging = await verifier().verify(await issuer.sign({ environment: 'staging', aud: 'parapet-preview' }), config);
    assert.ok(staging.ok, JSON.stringify(staging.issues));
    assert.equal(staging.value.serviceAccount, 'previewer');
  });

  test('a staging run with the deployer\'s audience is not the previewer; a production run with the previewer\'s audience is not the deployer', async () => {
    const staging = refusal(await verifier().verify(await issuer.sign({ environment: 'staging' }), config));
    assert.equal(
      staging.message,
      'no service account accepts this workflow run of `acme/infra`: `deployer` does not accept `environment` `staging`; `previewer` does not accept audience `https://parapet.acme.example`',
    );
    const production = refusal(await verifier().verify(await issuer.sign({ aud: 'parapet-preview' }), config));
    assert.equal(
      production.message,
      'no service account accepts this workflow run of `acme/infra`: `deployer` does not accept audience `parapet-preview`; `previewer` does not accept `environment` `production`',
    );
  });

  test('the `sub` claim decides nothing: a production `sub` on a staging run does not make it the deployer', async () => {
    const { message } = refusal(await verifier().verify(await issuer.sign({ environment: 'staging', sub: 'repo:acme/infra:environment:production' }), config));
    assert.match(message, /`deployer` does not accept `environment` `staging`/);
  });
});

describe('tokens that are not valid: refused with the reason', () => {
  test('expired: past `exp` and the 30 s tolerance', async () => {
    const { code, message } = refusal(await verifier({ clock: at(300 + 31) }).verify(await issuer.sign(), acme));
    assert.equal(code, 'token-expired');
    assert.equal(message, 'the token has expired');
  });

  test('not yet valid: `nbf` in the future, beyond the tolerance', async () => {
    const now = Math.floor(NOW.getTime() / 1000);
    const { code } = refusal(await verifier().verify(await issuer.sign({ nbf: now + 120, iat: now + 120, exp: now + 600 }), acme));
    assert.equal(code, 'token-not-yet-valid');
  });

  test('wrong audience: GitHub\'s default, the owner\'s URL, is not the server\'s', async () => {
    const { code, message } = refusal(await verifier().verify(await issuer.sign({ aud: 'https://github.com/acme' }), acme));
    assert.equal(code, 'wrong-audience');
    assert.equal(message, 'audience `https://github.com/acme` is not `https://parapet.acme.example`');
  });

  test('wrong issuer: refused before any key is fetched, so no other issuer\'s keys are ever asked for', async () => {
    const own = await startGitHubActionsIssuer({ clock: () => NOW, audience: AUDIENCE });
    try {
      const v = createGitHubActionsVerifier({ issuer: own.url, audience: AUDIENCE, clock: () => NOW });
      // signed by the very key the verifier trusts, but naming another issuer
      const { code, message } = refusal(await v.verify(await own.sign({ iss: 'https://token.actions.example' }), acme));
      assert.equal(code, 'wrong-issuer');
      assert.equal(message, `issuer \`https://token.actions.example\` is not \`${own.url}\``);
      assert.deepEqual(own.fetches, { discovery: 0, jwks: 0 });
    } finally {
      await own.close();
    }
  });

  test('`alg: none`: an unsigned token is refused', async () => {
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part(issuer.claims())}.`;
    const { code, message } = refusal(await verifier().verify(token, acme));
    assert.equal(code, 'token-algorithm-not-allowed');
    assert.equal(message, 'algorithm `none` is not accepted: GitHub signs with RS256');
  });

  test('algorithm confusion: HS256 "signed" with the issuer\'s public key as the secret is refused', async () => {
    const secret = new TextEncoder().encode(issuer.publicKeyPem);
    const token = await new SignJWT(issuer.claims()).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: issuer.kid }).sign(secret);
    const { code, message } = refusal(await verifier().verify(token, acme));
    assert.equal(code, 'token-algorithm-not-allowed');
    assert.equal(message, 'algorithm `HS256` is not accepted: GitHub signs with RS256');
  });

  test('a key the key set does not publish: an unknown `kid`; the same `kid` with another key: a bad signature', async () => {
    const unknown = refusal(await verifier().verify(await issuer.sign({}, { rogueKey: true }), acme));
    assert.equal(unknown.code, 'unknown-signing-key');
    const impostor = refusal(await verifier().verify(await issuer.sign({}, { rogueKey: true, kid: issuer.kid }), acme));
    assert.equal(impostor.code, 'bad-signature');
  });

  test('a tampered payload: another environment written into a valid token breaks its signature', async () => {
    const [header, , signature] = (await issuer.sign({ environment: 'staging' })).split('.');
    const token = `${header}.${part(issuer.claims())}.${signature}`;
    const { code, message } = refusal(await verifier().verify(token, acme));
    assert.equal(code, 'bad-signature');
    assert.equal(message, 'the signature does not verify with the issuer\'s key');
  });

  test('malformed: not a JWT, too long, a claims set without `repository`', async () => {
    assert.equal(refusal(await verifier().verify('not-a-token', acme)).code, 'malformed-token');
    assert.equal(refusal(await verifier().verify(`${part({ alg: 'RS256' })}.e30`, acme)).code, 'malformed-token');
    assert.equal(refusal(await verifier().verify('a'.repeat(20_000), acme)).code, 'malformed-token');
    const { code, message } = refusal(await verifier().verify(await issuer.sign({ repository: undefined }), acme));
    assert.equal(code, 'missing-claim');
    assert.match(message, /`repository`/);
  });

  test('no message repeats the token or its signature', async () => {
    const token = await issuer.sign({ environment: 'staging' });
    const [, , signature] = token.split('.');
    for (const candidate of [token, `${token.slice(0, -4)}AAAA`]) {
      const { message } = refusal(await verifier().verify(candidate, acme));
      assert.ok(!message.includes(signature ?? '-'));
      assert.ok(!message.includes(candidate.slice(0, 40)));
    }
  });
});

describe('failures', () => {
  test('an issuer that cannot be reached is exceptional (`unavailable`), not a verdict on the caller; the next request tries again', async () => {
    const gone = await startGitHubActionsIssuer({ clock: () => NOW, audience: AUDIENCE });
    const token = await gone.sign();
    const url = gone.url;
    await gone.close();
    const v = createGitHubActionsVerifier({ issuer: url, audience: AUDIENCE, clock: () => NOW, timeoutMs: 1_000 });
    for (let i = 0; i < 2; i += 1) {
      await assert.rejects(v.verify(token, acme), (error: unknown) => error instanceof ParapetError && error.code === 'unavailable' && error.message.includes(url));
    }
  });

  test('the thrown form: a token no service account accepts is `forbidden`, any other refusal `unauthenticated`, with the reason', async () => {
    const unmatched = await verifier().verify(await issuer.sign({ ref: 'refs/heads/x' }), acme);
    assert.ok(!unmatched.ok);
    const forbidden = gitHubActionsFailure(unmatched.issues);
    assert.equal(forbidden.code, 'forbidden');
    assert.deepEqual(forbidden.details, { reason: 'no-matching-service-account' });
    const expired = await verifier({ clock: at(3600) }).verify(await issuer.sign(), acme);
    assert.ok(!expired.ok);
    const error = gitHubActionsFailure(expired.issues);
    assert.equal(error.code, 'unauthenticated');
    assert.equal(error.message, 'github actions token: the token has expired');
    assert.deepEqual(error.details, { reason: 'token-expired' });
  });
});
