/**
 * `parapet scim token create|list|revoke`: the bearer tokens Okta or Entra ID use on /scim/v2.
 * Run by an administrator next to the server, on the server's database (the same settings as
 * `parapet serve`: --database-url, --state-dir, --settings, PARAPET_* variables), because there is
 * no one to ask the server before a directory is connected. A token is printed once; the database
 * keeps only its SHA-256 (docs/scim.md).
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { Command } from 'commander';
import { ParapetError } from '../policy/index.ts';
import { newScimToken, scimTokenHash } from '../server/scim-token-authenticator.ts';
import { resolveServerSettings } from '../server/server-settings.ts';
import { auditEventOf, type AuditFields } from '../server/record-audit-event.ts';
import { appendAuditEvents, listScimTokens, openStore, revokeScimToken, storeScimToken, type Store } from '../store/index.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';

interface DatabaseOptions {
  databaseUrl?: string;
  stateDir?: string;
  settings?: string;
}

const TOKEN_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

async function withStore<T>(options: DatabaseOptions, env: Readonly<Record<string, string | undefined>>, body: (store: Store) => Promise<T>): Promise<T> {
  const settings = resolveServerSettings({ flags: { databaseUrl: options.databaseUrl, stateDir: options.stateDir }, env, file: options.settings });
  const store = await openStore(settings.database);
  try {
    await store.migrate();
    return await body(store);
  } finally {
    await store.close();
  }
}

/**
 * The event of a token change made here, on the server's database: appended (durably) to the
 * audit log the server keeps, under the operating-system user who ran the command; the server's
 * next checkpoint covers it.
 */
async function recordTokenEvent(store: Store, at: Date, fields: AuditFields): Promise<void> {
  await appendAuditEvents(store, [auditEventOf({ principal: `local-user:${userInfo().username}@${hostname()}` }, undefined, fields, at)]);
}

function databaseOptions(command: Command): Command {
  return command
    .option('--database-url <url>', 'the server\'s PostgreSQL (PARAPET_DATABASE_URL); default: its SQLite in the state folder')
    .option('--state-dir <dir>', 'the server\'s state folder (PARAPET_STATE_DIR; default .parapet)')
    .option('--settings <file>', 'the server\'s settings file');
}

export function scimCommand(io: Io, setExit: (outcome: CommandOutcome) => void, env: Readonly<Record<string, string | undefined>> = process.env): Command {
  const token = new Command('token').description('bearer tokens for SCIM clients (Okta, Microsoft Entra ID)');
  token.addCommand(
    databaseOptions(new Command('create').description('create a token and print it once').argument('<name>', 'who will use it, e.g. `okta` or `entra`')).action(
      async (name: string, options: DatabaseOptions) => {
        if (!TOKEN_NAME.test(name)) throw new ParapetError('usage', `the token name \`${name}\` must be letters, digits, \`.\`, \`_\` or \`-\` (at most 64)`);
        const secret = newScimToken();
        const id = randomUUID();
        await withStore(options, env, async (store) => {
          const at = new Date();
          // on record before it exists (docs/audit.md): a token the audit log cannot hold is not made
          await recordTokenEvent(store, at, { type: 'token', action: 'create-scim-token', outcome: 'success', resource: `scim-token:${id}`, details: { scimTokenId: id, name } });
          await storeScimToken(store, { id, name, tokenHash: scimTokenHash(secret), at });
        });
        io.err(`parapet: SCIM token \`${name}\` (id ${id}) created; it is shown this once: give it to the SCIM client as its bearer token\n`);
        io.out(`${secret}\n`);
        setExit('yes');
      },
    ),
  );
  token.addCommand(
    databaseOptions(new Command('list').description('list the tokens (never their secrets)').option('--json', 'JSON output')).action(async (options: DatabaseOptions & { json?: boolean }) => {
      const tokens = await withStore(options, env, (store) => listScimTokens(store));
      if (options.json === true) io.out(`${JSON.stringify(tokens.map((t) => ({ id: t.id, name: t.name, created: t.created, revoked: t.revoked ?? null })), null, 2)}\n`);
      else if (tokens.length === 0) io.out('no SCIM tokens\n');
      else for (const t of tokens) io.out(`${t.id}  ${t.name}  created ${t.created}${t.revoked === undefined ? '' : `  revoked ${t.revoked}`}\n`);
      setExit('yes');
    }),
  );
  token.addCommand(
    databaseOptions(new Command('revoke').description('revoke a token by id: refused from the next request').argument('<id>', 'the token id `scim token list` shows')).action(
      async (id: string, options: DatabaseOptions) => {
        const revoked = await withStore(options, env, async (store) => {
          const at = new Date();
          await recordTokenEvent(store, at, { type: 'token', action: 'revoke-scim-token', outcome: 'success', resource: `scim-token:${id}`, details: { scimTokenId: id } });
          return revokeScimToken(store, id, at);
        });
        if (!revoked) throw new ParapetError('not-found', `no live SCIM token \`${id}\``);
        io.out(`revoked SCIM token ${id}\n`);
        setExit('yes');
      },
    ),
  );
  return new Command('scim').description('the SCIM 2.0 endpoint directories provision into (docs/scim.md)').addCommand(token);
}
