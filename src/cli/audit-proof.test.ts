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
    await appendAuditEvents(fixture.server.context.store, [0, 1, 2, 3, 4].map(sampleEvent));
    await fixture.server.context.audit.checkpoint();
    await fixture.signInAs('bob@acme.example');
    const run = await runCli('audit', 'proof', '3');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^event 3 is in the audit log: proof verified against the checkpoint of 5 events signed by `parapet\.test\/audit`, key as the server states it/u);

    const pinned = join(folder, 'key.txt');
    writeFileSync(pinned, `${fixture.server.context.audit.verifierKey}\n`);
    const json = await runCli('audit', 'proof', '4', '--public-key', pinned, '--json');
    assert.equal(json.code, 0, json.err);
    assert.deepEqual((({ ok, index, size }) => ({ ok, index, size }))(JSON.parse(json.out) as { ok: boolean; index: number; size: number }), { ok: true, index: 4, size: 5 });

    const other = join(folder, 'other.txt');
    writeFileSync(other, formatVerifierKey(generateAuditSigner('parapet.test/audit')));
    const refused = await runCli('audit', 'proof', '4', '--public-key', other);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /^not proven: the checkpoint is not signed by the key/u);
  });

  test('an event no checkpoint covers: exit 2', async () => {
    await fixture.signInAs('bob@acme.example');
    const run = await runCli('audit', 'proof', '999');
    assert.equal(run.code, 2);
    assert.match(run.err, /no checkpoint covers audit event 999 yet/u);
  });
});
