/** the events a test server recorded, read from its store as an export reads them */
import assert from 'node:assert/strict';
import { AuditEvent } from '../contract/audit.ts';
import { exportAuditLog } from '../store/index.ts';
import type { RunningServer } from './main.ts';

export async function recordedEvents(server: Pick<RunningServer, 'context'>): Promise<AuditEvent[]> {
  const lines: string[] = [];
  await exportAuditLog(server.context.store, { event: (line) => void lines.push(line) });
  return lines.map((line) => AuditEvent.parse((JSON.parse(line) as { event: unknown }).event));
}

/** the events recorded while `body` ran */
export async function eventsDuring(server: Pick<RunningServer, 'context'>, body: () => Promise<unknown>): Promise<AuditEvent[]> {
  const before = (await recordedEvents(server)).length;
  await body();
  return (await recordedEvents(server)).slice(before);
}

/** the one event of `type` and `action` among `events` */
export function theEvent(events: readonly AuditEvent[], type: AuditEvent['type'], action: string, outcome?: AuditEvent['outcome']): AuditEvent {
  const found = events.filter((event) => event.type === type && event.action === action && (outcome === undefined || event.outcome === outcome));
  assert.equal(found.length, 1, `one ${type} ${action} ${outcome ?? ''} event among ${JSON.stringify(events.map((event) => [event.type, event.action, event.outcome]))}`);
  return found[0] as AuditEvent;
}
