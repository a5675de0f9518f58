/**
 * A second process appending to an audit log, for the tests of several writers on one
 * PostgreSQL database: `node --import tsx audit-appender-process.test-support.ts URL NAME BATCHES`
 * appends BATCHES batches of 1 to 5 events (their request ids `NAME-b-i`), then prints `done`.
 */
import { canonicalEvent } from '../audit/index.ts';
import { sampleEvent } from '../audit/audit-export.test-support.ts';
import { appendCanonicalAuditEvents } from './audit-log.ts';
import { openStore } from './open-store.ts';

const [url, name, batches] = process.argv.slice(2) as [string, string, string];
const store = await openStore({ kind: 'postgres', url });
try {
  for (let b = 0; b < Number(batches); b += 1) {
    const events = Array.from({ length: 1 + (b % 5) }, (_, i) => canonicalEvent({ ...sampleEvent(b), requestId: `${name}-${b}-${i}` }));
    await appendCanonicalAuditEvents(store, events);
  }
  process.stdout.write('done\n');
} finally {
  await store.close();
}
