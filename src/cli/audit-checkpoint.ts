/**
 * `parapet audit checkpoint`: fetches the audit log's latest signed checkpoint and checks its
 * signature here, and with `--since FILE` checks that the log only grew since a checkpoint the
 * caller held (the RFC 9162 consistency proof from the held tree to the new one). This is what a
 * monitor runs on a schedule, keeping each checkpoint for the next run: an operator who rewrites
 * the log's past (a fork) or rolls it back (a truncation), even with the signing key and the
 * database in hand, cannot make a held checkpoint and the new one agree, so the next run says so.
 * A held checkpoint can also be given to `parapet audit verify --checkpoint`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { equalHashes, parseCheckpointNote, parseVerifierKey, verifyConsistency, verifyNoteSignature, type SignedCheckpoint, type AuditVerifierKey } from '../audit/index.ts';
import { AuditCheckpointResponse, AuditConsistencyProofResponse } from '../contract/audit.ts';
import { ParapetError } from '../policy/index.ts';
import { auditReader } from './audit-reader.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { serverClient } from './server-client.ts';

interface CheckpointOptions {
  readonly since?: string;
  readonly out?: string;
  readonly publicKey?: string;
  readonly server?: string;
  readonly tokenFile?: string;
  readonly json?: boolean;
}

function readGiven(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ParapetError(code === 'ENOENT' ? 'not-found' : 'unreadable-file', `cannot read ${what} \`${path}\`: ${code ?? String(error)}`, { path });
  }
}

/** a verdict against the log (exit status 1), as opposed to an input error (thrown: exit status 2) */
type Verdict<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** a signed note as checked here: parsed (or the input is refused), and signed by the key (or the verdict says not) */
function signedNote(text: string, key: AuditVerifierKey, what: string): Verdict<SignedCheckpoint> {
  const note = parseCheckpointNote(text);
  if (!note.ok) throw new ParapetError('invalid-input', `${what} is not a checkpoint: ${note.message}`);
  if (!verifyNoteSignature(note.value, key)) return { ok: false, reason: `${what} is not signed by the key \`${key.name}\`` };
  return { ok: true, value: note.value };
}

export function auditCheckpointCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('checkpoint')
    .description('fetch the audit log\'s latest signed checkpoint, check its signature, and with --since that the log only grew since one you held')
    .option('--since <file>', 'a checkpoint you kept from before (a signed note): prove the log extends it (RFC 9162 consistency proof)')
    .option('--out <file>', 'write the new checkpoint here once it is verified (keep it for the next --since)')
    .option('--public-key <file>', 'the log\'s verifier key, obtained independently (default: the key the server states)')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--token-file <file>', 'the credential of an audit reader (else PARAPET_TOKEN, else your sign-in)')
    .option('--json', 'the verdict as JSON')
    .addHelpText(
      'after',
      `
Run it on a schedule, keeping each checkpoint: the log's operator cannot rewrite or roll back the
log's past without the next run failing, even holding the database and the signing key.

Exit status: 0 when the checkpoint is signed (and, with --since, extends the one held), 1 when it
is not (a fork, a rollback, another key), 2 for a missing file or an unreadable checkpoint.

Examples:
  parapet audit checkpoint --out audit-checkpoint.txt
  parapet audit checkpoint --since audit-checkpoint.txt --out audit-checkpoint.txt --public-key audit-key.txt`,
    )
    .action(async (options: CheckpointOptions) => {
      const reader = auditReader({ server: options.server, tokenFile: options.tokenFile });
      const client = serverClient(reader.server);
      const latest = await client.request({ method: 'GET', path: '/v1/audit/checkpoint', token: reader.token, response: AuditCheckpointResponse });
      const keyText = options.publicKey === undefined ? latest.publicKey : readGiven(options.publicKey, 'the public key');
      const parsedKey = parseVerifierKey(keyText);
      if (!parsedKey.ok) throw new ParapetError('invalid-input', `the public key: ${parsedKey.message}`);
      const key = parsedKey.value;
      const held = options.since === undefined ? undefined : readGiven(options.since, 'the held checkpoint');
      const report = (ok: boolean, message: string, extra: Record<string, unknown> = {}): void => {
        io.out(options.json === true ? `${JSON.stringify({ ok, message, size: latest.size, rootHash: latest.rootHash, checkpoint: latest.checkpoint, ...extra })}\n` : `${message}\n`);
        setExit(ok ? 'yes' : 'no');
      };
      const current = signedNote(latest.checkpoint, key, 'the server\'s checkpoint');
      if (!current.ok) return report(false, `not verified: ${current.reason}`);
      let since = '';
      if (held !== undefined) {
        const before = signedNote(held, key, `the held checkpoint \`${options.since}\``);
        if (!before.ok) return report(false, `not verified: ${before.reason}`);
        const extended = await extendsHeld(client, reader.token, before.value.checkpoint, current.value.checkpoint);
        if (!extended.ok) return report(false, `not verified: ${extended.reason}`);
        since = extended.value;
      }
      if (options.out !== undefined) writeFileSync(options.out, latest.checkpoint);
      const keySource = options.publicKey === undefined ? 'as the server states it (pin it with --public-key)' : `from \`${options.publicKey}\``;
      return report(true, `checkpoint of ${current.value.checkpoint.size} events signed by \`${key.name}\`, key ${keySource}${since}${options.out === undefined ? '' : `; written to \`${options.out}\``}`);
    });
}

/** whether the tree of `after` extends the tree of `before`; the sentence that says so, or why not */
async function extendsHeld(client: ReturnType<typeof serverClient>, token: string, before: SignedCheckpoint['checkpoint'], after: SignedCheckpoint['checkpoint']): Promise<Verdict<string>> {
  if (before.size > after.size) {
    return { ok: false, reason: `the log has ${after.size} events, fewer than the ${before.size} of the checkpoint held: it was truncated or rolled back` };
  }
  if (before.size === after.size) {
    if (!equalHashes(before.root, after.root)) return { ok: false, reason: `two signed checkpoints of ${after.size} events with different roots: the log was forked (its past rewritten)` };
    return { ok: true, value: '; the same tree as the checkpoint held' };
  }
  let proof: AuditConsistencyProofResponse;
  try {
    proof = await client.request({ method: 'GET', path: `/v1/audit/consistency?first=${before.size}&second=${after.size}`, token, response: AuditConsistencyProofResponse });
  } catch (error) {
    if (error instanceof ParapetError && error.code === 'not-found') {
      return { ok: false, reason: `the server cannot prove that the log of ${after.size} events extends the checkpoint of ${before.size} held: ${error.message}` };
    }
    throw error;
  }
  const hashes = proof.proof.map((text) => new Uint8Array(Buffer.from(text, 'base64')));
  if (!verifyConsistency(before.size, after.size, before.root, after.root, hashes)) {
    return { ok: false, reason: `the log of ${after.size} events does not extend the checkpoint of ${before.size} held (the consistency proof fails): the log was forked (its past rewritten)` };
  }
  return { ok: true, value: `, extending the checkpoint of ${before.size} events held (consistency proof verified)` };
}
