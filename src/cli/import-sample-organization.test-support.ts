/**
 * For the tests of `parapet aws …` on the AWS emulator: the sample organization made through the
 * SDK and imported with `parapet aws import` into a new folder, as a platform engineer would start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MotoServer } from '../aws/moto-server.test-support.ts';
import { createSampleOrganization } from '../aws/sample-organization.test-support.ts';
import { runCli } from './run-cli.test-support.ts';

/** the imported repository is `out`; its temporary folder goes into `folders`, for the caller to remove */
export async function importSampleOrganization(moto: MotoServer, folders: string[], prefix: string): Promise<{ out: string; sample: Awaited<ReturnType<typeof createSampleOrganization>> }> {
  const sample = await createSampleOrganization(moto.clients().organizations);
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  const out = join(folder, 'org');
  const imported = await runCli('aws', 'import', '--out', out);
  assert.equal(imported.code, 0, imported.err);
  return { out, sample };
}
