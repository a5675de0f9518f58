/**
 * `parapet audit proof INDEX`: fetches an event's RFC 9162 inclusion proof and the signed
 * checkpoint it leads to, and checks both here: the signature with the public key (pinned with
 * --public-key, else the one the server states, which this says), the proof against the root.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseCheckpointNote, parseVerifierKey, verifyInclusion, verifyNoteSignature } from '../audit/index.ts';
import { AuditCheckpointResponse, AuditInclusionProofResponse } from '../contract/audit.ts';
import { ParapetError } from '../policy/index.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { loadServerCredentials, ownerToken } from './server-credentials.ts';
import { serverClient } from './server-client.ts';

export function auditProofCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('proof')
    .description('prove that an audit event is in the log: its inclusion proof, checked here against a signed checkpoint')
    .argument('<index>', 'the event\'s position in the log (0, 1, 2, …)')
    .option('--public-key <file>', 'the log\'s verifier key, obtained independently (default: the key the server states)')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--json', 'the proof and the verdict as JSON')
    .addHelpText(
      'after',
      `
Exit status: 0 when the proof verifies, 1 when it does not, 2 for an event no checkpoint covers yet.

Examples:
  parapet audit proof 41
  parapet audit proof 41 --public-key audit-public-key.txt --json`,
    )
    .action(async (indexText: string, options: { publicKey?: string; server?: string; json?: boolean }) => {
      if (!/^(0|[1-9][0-9]*)$/u.test(indexText)) throw new ParapetError('usage', `the index is a whole number: \`${indexText}\``);
      const loaded = loadServerCredentials(options.server);
      const client = serverClient(loaded.server);
      const token = ownerToken(loaded);
      const proof = await client.request({ method: 'GET', path: `/v1/audit/proof/${indexText}`, token, response: AuditInclusionProofResponse });
      let keyText: string;
      let keySource: string;
      if (options.publicKey === undefined) {
        keyText = (await client.request({ method: 'GET', path: '/v1/audit/checkpoint', token, response: AuditCheckpointResponse })).publicKey;
        keySource = 'as the server states it (pin it with --public-key)';
      } else {
        try {
          keyText = readFileSync(options.publicKey, 'utf8');
        } catch {
          throw new ParapetError('not-found', `cannot read \`${options.publicKey}\``, { path: options.publicKey });
        }
        keySource = `from \`${options.publicKey}\``;
      }
      const key = parseVerifierKey(keyText);
      if (!key.ok) throw new ParapetError('invalid-input', `the public key: ${key.message}`);
      const note = parseCheckpointNote(proof.checkpoint);
      const b = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
      const signed = note.ok && verifyNoteSignature(note.value, key.value);
      const included = note.ok && note.value.checkpoint.size === proof.size && verifyInclusion(proof.index, proof.size, b(proof.leafHash), proof.proof.map(b), note.value.checkpoint.root);
      const ok = signed && included;
      if (options.json === true) {
        io.out(`${JSON.stringify({ ok, signed, included, ...proof })}\n`);
      } else if (ok) {
        io.out(`event ${proof.index} is in the audit log: proof verified against the checkpoint of ${proof.size} events signed by \`${key.value.name}\`, key ${keySource}\n  leaf hash ${proof.leafHash}\n`);
      } else {
        io.out(`not proven: ${signed ? 'the inclusion proof does not lead to the checkpoint\'s root' : 'the checkpoint is not signed by the key'}\n`);
      }
      setExit(ok ? 'yes' : 'no');
    });
}
