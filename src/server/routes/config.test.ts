/**
 * Configuration versions over HTTP, on the production wiring and a real SQLite store: the
 * bootstrap token makes the first version and is used up; only service accounts apply afterwards;
 * an invalid configuration changes nothing and answers with `parapet validate`'s report; the
 * stored plan is `parapet plan`'s; the same files again are "unchanged"; a stale `expectVersion` is
 * a conflict; the history pages; the limits of a folder hold for a request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildPlan } from '../../analysis/build-plan.ts';
import { planJson } from '../../analysis/plan-json.ts';
import { actionChecker } from '../../catalog/installed-catalog-checks.ts';
import { loadCatalog } from '../../catalog/load-catalog.ts';
import { ApplyResponse, ConfigVersionDetail, ConfigVersionList, ConfigVersionSummary } from '../../contract/config.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { issueCredential } from '../../identity/credential.ts';
import { emptyOrgConfig, parseConfig, readConfigDir, validateReport, validateReportJson, type OrgConfig } from '../../org/index.ts';
import { listConfigVersions, storeBootstrapToken } from '../../store/index.ts';
import { bootstrapTokenHash } from '../apply-config.ts';
import { newBootstrapToken } from '../bootstrap-authenticator.ts';
import { configSnapshot } from '../config-snapshot.ts';
import { startTestServer, type TestServer } from '../test-server.test-support.ts';

const ACME = resolve(import.meta.dirname, '../../../examples/acme');
const acmeFiles = readConfigDir(ACME);
const now = new Date('2026-12-06T12:00:00Z');

const server = await startTestServer({ clock: () => now });
after(() => server.close());

async function credential(target: TestServer, sub: string, use: 'service' | 'sign-in') {
  const { token } = await issueCredential(target.context.keys, { jti: target.context.newId(), sub, use, authTime: Math.floor(now.getTime() / 1000) }, { issuer: 'http://parapet.test', now, lifetimeSeconds: 3600 });
  return token;
}
const deployer = await credential(server, 'service-account:deployer', 'service');
const alice = await credential(server, 'alice@acme.example', 'sign-in');

function apply(token: string, body: unknown, target: TestServer = server) {
  return target.app.inject({ method: 'POST', url: '/v1/config/versions', headers: { authorization: `Bearer ${token}` }, payload: body as Record<string, unknown> });
}

function get(url: string, token = alice, target: TestServer = server) {
  return target.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

function assertError(response: { statusCode: number; json(): unknown }, code: string, status: number): ErrorBody {
  assert.equal(response.statusCode, status, JSON.stringify(response.json()));
  const body = ErrorBody.parse(response.json());
  assert.equal(body.error.code, code);
  return body;
}

const filesOf = (files: ReadonlyMap<string, string>) => Object.fromEntries(files);
const versionsIn = async (target: TestServer = server) => (await listConfigVersions(target.context.store, { limit: 100 })).map((v) => v.version).reverse();

/** acme with one more member in a group: a real change with an access impact */
function changedAcme(): Map<string, string> {
  const files = new Map(acmeFiles);
  const yaml = files.get('parapet.yaml')!;
  const changed = yaml.replace('payments-devs: { members: [', 'payments-devs: { members: [new.dev@acme.example, ');
  assert.notEqual(changed, yaml, 'the example has a group with members to add to');
  files.set('parapet.yaml', changed);
  return files;
}

function parsed(files: ReadonlyMap<string, string>): OrgConfig {
  const result = parseConfig(files, { checkAction: actionChecker() });
  assert.ok(result.ok);
  return result.value;
}

describe('apply, from the first version on', { concurrency: false }, () => {
  const token = server.prepared.bootstrapToken;

  test('the first start of an empty server makes a bootstrap token, and stores only its hash', async () => {
    assert.ok(token !== undefined);
    assert.match(token, /^pbt_[A-Za-z0-9_-]{43}$/);
    const rows = await server.context.store.db.selectFrom('bootstrap_tokens').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.token_hash, bootstrapTokenHash(token));
    assert.ok(!JSON.stringify(rows).includes(token.slice(4)));
    assert.equal((await get('/v1/whoami', token)).json().kind, 'bootstrap');
  });

  test('a person may not apply, not even the first version: 403 pointing at service accounts, nothing stored', async () => {
    const body = assertError(await apply(alice, { files: filesOf(acmeFiles) }), 'forbidden', 403);
    assert.match(body.error.message, /service account/);
    assert.match(body.error.message, /docs\/service-accounts\.md/);
    // decided before the body is read: a body that is not even JSON gets the same answer, not a parse error
    const unread = await server.app.inject({ method: 'POST', url: '/v1/config/versions', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, payload: '{not json' });
    assertError(unread, 'forbidden', 403);
    assert.deepEqual(await versionsIn(), []);
  });

  test('an invalid configuration changes nothing and answers 422 with the report `parapet validate` gives', async () => {
    assert.ok(token !== undefined);
    const files = new Map(acmeFiles);
    files.set('parapet.yaml', `${files.get('parapet.yaml')!}\nassignments:\n  - { group: nobody, permissionSet: nothing, accounts: [nowhere] }\n`);
    const body = assertError(await apply(token, { files: filesOf(files) }), 'invalid-input', 422);
    const expected = validateReportJson(validateReport('.', parseConfig(files, { checkAction: actionChecker() })));
    assert.equal(expected.valid, false);
    assert.deepEqual(body.error.details?.['report'], JSON.parse(JSON.stringify(expected)));
    assert.equal((body.error.details?.['report'] as { format: string }).format, 'parapet-validate/1');
    assert.deepEqual(await versionsIn(), []);
    assertError(await get('/v1/config/active'), 'not-found', 404);
  });

  test('the bootstrap token applies the first version, planned against an empty configuration, and is used up', async () => {
    assert.ok(token !== undefined);
    const response = await apply(token, { files: filesOf(acmeFiles), message: 'first' });
    assert.equal(response.statusCode, 201, response.body);
    const answer = ApplyResponse.parse(response.json());
    assert.deepEqual([answer.version, answer.unchanged, answer.author, answer.hash], [1, false, 'bootstrap', configSnapshot(acmeFiles).hash]);
    const stored = ConfigVersionDetail.parse((await get('/v1/config/versions/1')).json());
    const acme = parsed(acmeFiles);
    const expected = planJson(buildPlan(emptyOrgConfig(acme.organization), acme, { catalog: loadCatalog(), from: '(no configuration)', to: 'version 1' }));
    assert.deepEqual(stored.plan, JSON.parse(JSON.stringify(expected)));
    assert.equal(stored.plan['format'], 'parapet-plan/3');
    assert.deepEqual(stored.plan['summary'], answer.plan);
    // everything is new: every account's tree and every group with access
    assert.ok(answer.plan !== undefined && answer.plan.structuralChanges > 0 && answer.plan.principals.groups > 0 && answer.plan.actionsGained > 0);
    assert.equal(answer.plan.actionsLost, 0);
    assert.equal(stored.message, 'first');
    // the holder serves it at once in this process
    assert.equal(ConfigVersionSummary.parse((await get('/v1/config/active')).json()).version, 1);
    assert.equal(server.context.config.current()?.hash, answer.hash);
    // used: the same token again is refused before anything else
    assert.match(assertError(await apply(token, { files: filesOf(acmeFiles) }), 'unauthenticated', 401).error.message, /already used/);
  });

  test('a bootstrap token, even an unused one, cannot apply once a version exists', async () => {
    const another = newBootstrapToken();
    await storeBootstrapToken(server.context.store, bootstrapTokenHash(another), now);
    const body = assertError(await apply(another, { files: filesOf(changedAcme()) }), 'forbidden', 403);
    assert.match(body.error.message, /only applies the first configuration/);
    assert.deepEqual(await versionsIn(), [1]);
  });

  test('the same files again are "unchanged": nothing appended, the active version answered', async () => {
    const response = await apply(deployer, { files: filesOf(acmeFiles), expectVersion: 1 });
    assert.equal(response.statusCode, 200);
    const answer = ApplyResponse.parse(response.json());
    assert.deepEqual([answer.version, answer.unchanged, answer.author, answer.plan], [1, true, 'bootstrap', undefined]);
    assert.deepEqual(await versionsIn(), [1]);
  });

  test('a service account applies a change; the stored plan is `parapet plan --json` of version 1 → version 2', async () => {
    const files = changedAcme();
    const response = await apply(deployer, { files: filesOf(files), expectVersion: 1, message: 'add a developer' });
    assert.equal(response.statusCode, 201, response.body);
    const answer = ApplyResponse.parse(response.json());
    assert.deepEqual([answer.version, answer.unchanged, answer.author], [2, false, 'service-account:deployer']);
    const stored = ConfigVersionDetail.parse((await get('/v1/config/versions/2')).json());
    const expected = planJson(buildPlan(parsed(acmeFiles), parsed(files), { catalog: loadCatalog(), from: 'version 1', to: 'version 2' }));
    assert.deepEqual(stored.plan, JSON.parse(JSON.stringify(expected)));
    assert.ok(answer.plan !== undefined && answer.plan.principals.users >= 1 && answer.plan.actionsGained > 0);
    assert.equal(stored.author, 'service-account:deployer');
    assert.equal(stored.message, 'add a developer');
    assert.equal(server.context.config.current()?.version, 2);
  });

  test('a stale expectVersion is a 409 conflict and changes nothing; so is one from the future', async () => {
    const files = new Map(acmeFiles);
    files.set('extra/allow-nothing.json', '{"Version":"2012-10-17","Statement":[]}');
    const stale = assertError(await apply(deployer, { files: filesOf(files), expectVersion: 1 }), 'conflict', 409);
    assert.match(stale.error.message, /active configuration version is 2, not the expected 1/);
    assertError(await apply(deployer, { files: filesOf(files), expectVersion: 7 }), 'conflict', 409);
    assert.deepEqual(await versionsIn(), [1, 2]);
  });

  test('history: newest first, in pages; one version with its files; an unknown version is 404', async () => {
    const first = ConfigVersionList.parse((await get('/v1/config/versions?limit=1')).json());
    assert.deepEqual(first.versions.map((v) => v.version), [2]);
    assert.equal(first.nextBefore, 2);
    const second = ConfigVersionList.parse((await get(`/v1/config/versions?limit=1&before=${first.nextBefore}`)).json());
    assert.deepEqual(second.versions.map((v) => [v.version, v.author]), [[1, 'bootstrap']]);
    assert.equal(second.nextBefore, undefined);
    const all = ConfigVersionList.parse((await get('/v1/config/versions')).json());
    assert.deepEqual(all.versions.map((v) => v.version), [2, 1]);
    const withFiles = ConfigVersionDetail.parse((await get('/v1/config/versions/1?include=files')).json());
    assert.deepEqual(withFiles.files, filesOf(acmeFiles));
    assert.equal(ConfigVersionDetail.parse((await get('/v1/config/versions/1')).json()).files, undefined);
    assertError(await get('/v1/config/versions/99'), 'not-found', 404);
    assertError(await get('/v1/config/versions/0'), 'invalid-input', 422);
    assertError(await get('/v1/config/versions?limit=5000'), 'invalid-input', 422);
    // reading needs a credential, like everything else
    assertError(await server.app.inject({ method: 'GET', url: '/v1/config/versions' }), 'unauthenticated', 401);
  });

  test('the limits of a configuration folder hold for a request: paths, file sizes; a body above 1 MiB reaches them', async () => {
    const escaping = assertError(await apply(deployer, { files: { ...filesOf(acmeFiles), '../outside.json': '{}', '.git/x.json': '{}', 'notes.txt': 'x' } }), 'invalid-input', 422);
    assert.deepEqual(escaping.error.issues?.map((issue) => issue.path), ['body.files["../outside.json"]', 'body.files[".git/x.json"]', 'body.files["notes.txt"]']);
    // 2 MiB: over the server's default body limit, so this proves the route's own limit lets a real configuration through
    const large = assertError(await apply(deployer, { files: { ...filesOf(acmeFiles), 'big.json': `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}` } }), 'file-too-large', 413);
    assert.match(large.error.message, /`big\.json` is larger than 1 MiB/);
    assertError(await apply(deployer, { files: filesOf(acmeFiles), surprise: true }), 'invalid-input', 422);
    assert.deepEqual(await versionsIn(), [1, 2]);
  });

  test('the endpoints and their schemas are in /openapi.json', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    assert.ok(document.paths['/v1/config/versions']?.['post'] !== undefined && document.paths['/v1/config/versions']['get'] !== undefined);
    assert.ok(document.paths['/v1/config/versions/{version}']?.['get'] !== undefined);
    assert.ok(document.paths['/v1/config/active']?.['get'] !== undefined);
    for (const name of ['ApplyRequest', 'ApplyResponse', 'PlanSummary', 'ConfigVersionList', 'ConfigVersionDetail']) assert.ok(name in document.components.schemas, name);
  });

  test('metrics count applies by result', async () => {
    const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(text, /parapet_config_applies_total\{result="applied"\} 2/);
    assert.match(text, /parapet_config_applies_total\{result="unchanged"\} 1/);
    assert.match(text, /parapet_config_applies_total\{result="conflict"\} 2/);
    assert.match(text, /parapet_config_version 2/);
  });
});

describe('serve --config DIR', () => {
  test('an empty database gets DIR as version 1, by the server itself, and no bootstrap token', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'parapet-config-dir-'));
    const database = { kind: 'sqlite' as const, file: join(folder, 'parapet.db') };
    try {
      const first = await startTestServer({ database, settings: { configDir: ACME } });
      try {
        assert.equal(first.prepared.bootstrapToken, undefined);
        assert.equal(first.prepared.appliedFromConfigDir, 1);
        const active = first.context.config.current();
        assert.deepEqual([active?.version, active?.author, active?.hash], [1, `parapet serve --config ${ACME}`, configSnapshot(acmeFiles).hash]);
        assert.equal((await first.context.store.db.selectFrom('bootstrap_tokens').selectAll().execute()).length, 0);
      } finally {
        await first.close();
      }
      // the same folder again: served, nothing applied, nothing to say
      const again = await startTestServer({ database, settings: { configDir: ACME } });
      try {
        assert.deepEqual([again.prepared.appliedFromConfigDir, again.prepared.warnings, await versionsIn(again)], [undefined, [], [1]]);
      } finally {
        await again.close();
      }
      // another folder: the stored version is served, with a warning saying how to change it
      const other = mkdtempSync(join(tmpdir(), 'parapet-config-other-'));
      try {
        for (const [path, text] of changedAcme()) {
          const { mkdirSync, writeFileSync } = await import('node:fs');
          const { dirname } = await import('node:path');
          mkdirSync(dirname(join(other, path)), { recursive: true });
          writeFileSync(join(other, path), text);
        }
        const differs = await startTestServer({ database, settings: { configDir: other } });
        try {
          assert.equal(differs.context.config.current()?.version, 1);
          assert.equal(differs.prepared.warnings.length, 1);
          assert.match(differs.prepared.warnings[0]!, /the stored version is served; `parapet apply .*` makes the folder a new version/);
          assert.deepEqual(await versionsIn(differs), [1]);
        } finally {
          await differs.close();
        }
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('an invalid DIR stops the start with `invalid-input` and stores nothing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'parapet-config-bad-'));
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(folder, 'parapet.yaml'), 'organization: [not, a, map]\n');
      await assert.rejects(startTestServer({ database: { kind: 'sqlite', file: join(folder, 'parapet.db') }, settings: { configDir: folder } }), (error: unknown) => {
        assert.equal((error as { code?: string }).code, 'invalid-input');
        assert.match((error as Error).message, /is not a valid configuration: see `parapet validate/);
        return true;
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
