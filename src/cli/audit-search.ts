/**
 * `parapet audit search`: the audit log's events by principal, account, action, event type,
 * outcome and time window (GET /v1/audit/events), a line each, or JSON Lines with `--json`. Pages
 * are followed up to `--limit` events; `--cursor` continues where a `--json` run stopped.
 */
import { Command, Option } from 'commander';
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, AUDIT_SEARCH_MAX_LIMIT, AuditSearchResponse, type AuditEvent } from '../contract/audit.ts';
import { ParapetError } from '../policy/index.ts';
import { auditReader, type AuditReaderOptions } from './audit-reader.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { serverClient } from './server-client.ts';

interface SearchOptions extends AuditReaderOptions {
  principal?: string;
  account?: string;
  action?: string;
  type?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
}

const DEFAULT_LIMIT = 100;
/** what one run fetches at most, page by page */
const MAX_EVENTS = 1_000_000;

export function auditSearchCommand(io: Io, setExit: (outcome: CommandOutcome) => void, env: Readonly<Record<string, string | undefined>> = process.env): Command {
  return new Command('search')
    .description('search the audit log: by principal, account, action, event type, outcome and time window, in time order (log order within a millisecond)')
    .option('--principal <principal>', 'who acted: an e-mail address, `service-account:NAME`, …')
    .option('--account <id>', 'the 12-digit AWS account')
    .option('--action <action>', 'what was done: `assume`, `apply`, `s3:GetObject`, …')
    .addOption(new Option('--type <type>', 'the event type').choices([...AUDIT_EVENT_TYPES]))
    .addOption(new Option('--outcome <outcome>', 'the outcome').choices([...AUDIT_OUTCOMES]))
    .option('--since <time>', 'from this instant on (ISO 8601, e.g. 2026-12-06T09:00:00Z)')
    .option('--until <time>', 'before this instant')
    .option('--limit <n>', `at most this many events (default ${DEFAULT_LIMIT})`, String(DEFAULT_LIMIT))
    .option('--cursor <cursor>', 'continue after the page a previous `--json` run ended with')
    .option('--json', 'JSON Lines: one `{index, event}` a line, then `{nextCursor}` when more match')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--token-file <file>', 'the credential of an audit reader (else PARAPET_TOKEN, else your sign-in)')
    .addHelpText(
      'after',
      `
Only the audit log's readers (parapet.yaml \`audit.readers\`) may search it, and every search is itself recorded.

Examples:
  parapet audit search --principal alice@acme.example --since 2026-12-06T00:00:00Z --until 2026-12-07T00:00:00Z
  parapet audit search --type config-apply --json
  PARAPET_TOKEN=... parapet audit search --account 400000000001 --outcome deny --limit 1000`,
    )
    .action(async (options: SearchOptions) => {
      if (!/^[1-9][0-9]{0,6}$/u.test(options.limit) || Number(options.limit) > MAX_EVENTS) {
        throw new ParapetError('usage', `\`--limit\` is a whole number from 1 to ${MAX_EVENTS.toLocaleString('en-US')}: \`${options.limit}\``);
      }
      const wanted = Number(options.limit);
      const reader = auditReader(options, env);
      const client = serverClient(reader.server);
      const filters = new URLSearchParams();
      for (const key of ['principal', 'account', 'action', 'type', 'outcome', 'since', 'until'] as const) {
        const value = options[key];
        if (value !== undefined) filters.set(key, value);
      }
      let cursor = options.cursor;
      let shown = 0;
      for (;;) {
        const query = new URLSearchParams(filters);
        query.set('limit', String(Math.min(AUDIT_SEARCH_MAX_LIMIT, wanted - shown)));
        if (cursor !== undefined) query.set('cursor', cursor);
        const page = await client.request({ method: 'GET', path: `/v1/audit/events?${query.toString()}`, token: reader.token, response: AuditSearchResponse });
        for (const { index, event } of page.events) io.out(options.json === true ? `${JSON.stringify({ index, event })}\n` : `${eventLine(index, event)}\n`);
        shown += page.events.length;
        cursor = page.nextCursor;
        if (cursor === undefined || shown >= wanted) break;
      }
      if (cursor !== undefined) {
        if (options.json === true) io.out(`${JSON.stringify({ nextCursor: cursor })}\n`);
        else io.err(`parapet: more events match: raise \`--limit\`, or continue with \`--cursor ${cursor}\`\n`);
      } else if (shown === 0 && options.json !== true) io.err('parapet: no event matches\n');
      setExit('yes');
    });
}

/** one event, one line: index, time, type, action, outcome, who, where, what */
export function eventLine(index: number, event: AuditEvent): string {
  const fields = [
    String(index),
    event.time,
    event.type,
    event.action,
    event.outcome,
    event.actor.principal,
    event.account ?? '-',
    event.resource ?? '-',
    event.actor.sourceIp === undefined ? '' : `from ${event.actor.sourceIp}`,
    event.requestId === undefined ? '' : `request ${event.requestId}`,
  ];
  // user input is shown, not obeyed: control characters (a terminal escape in a user agent or name) are escaped
  return fields.filter((field) => field !== '').map((field) => JSON.stringify(field).slice(1, -1)).join('  ');
}
