/** `parapet audit proof` against a real listening server whose audit log holds decisions */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sampleEvent } from '../audit/audit-export.test-support.ts';
import { formatVerifierKey, generateAuditSigner } from '../audit/index.ts';
import { appendAuditEvents } from '../store/index.ts';
import { runCli } from './run-cli.test-support.ts';
import { startSessionCliFixture } from './session-cli.test-support.ts';

const fixture = await startSessionCliFixture();
const folder = mkdtempSync(join(tmpdir(), 'parapet-audit-proof-'));
after(async () => {
  await fixture.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('parapet audit proof', () => {
  test('proves an event against the signed checkpoint, with the server\'s key or a pinned one; refuses another key', async () => {
    // heidi is in `auditors`, a reader group of the example (a sign-in is itself an event: before the checkpoint)
    await fixture.signInAs('heidi@acme.example');
    const { first } = await appendAuditEvents(fixture.server.context.store, [0, 1, 2, 3, 4].map(sampleEvent));
    const { size } = await fixture.server.context.audit.checkpoint();
    assert.equal(size, first + 5);
    const run = await runCli('audit', 'proof', String(first + 3));
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, new RegExp(`^event ${first + 3} is in the audit log: proof verified against the checkpoint of ${size} events signed by \`parapet\\.test\\/audit\`, key as the server states it`, 'u'));

    const pinned = join(folder, 'key.txt');
    writeFileSync(pinned, `${fixture.server.context.audit.verifierKey}\n`);
    const json = await runCli('audit', 'proof', String(first + 4), '--public-key', pinned, '--json');
    assert.equal(json.code, 0, json.err);
    assert.deepEqual((({ ok, index, size }) => ({ ok, index, size }))(JSON.parse(json.out) as { ok: boolean; index: number; size: number }), { ok: true, index: first + 4, size });

    const other = join(folder, 'other.txt');
    writeFileSync(other, formatVerifierKey(generateAuditSigner('parapet.test/audit')));
    const refused = await runCli('audit', 'proof', String(first + 4), '--public-key', other);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /^not proven: the checkpoint is not signed by the key/u);
  });

  test('someone who is not an audit log reader is refused: 403, exit status of `forbidden`', async () => {
    await fixture.signInAs('bob@acme.example');
    const run = await runCli('audit', 'proof', '0');
    assert.notEqual(run.code, 0);
    assert.match(run.err, /not an audit log reader: `bob@acme\.example` is in none of the audit log's reader groups/u);
  });

  test('an event no checkpoint covers: exit 2', async () => {
    await fixture.signInAs('heidi@acme.example');
    const run = await runCli('audit', 'proof', '999');
    assert.equal(run.code, 2);
    assert.match(run.err, /no checkpoint covers audit event 999 yet/u);
  });
});
