/**
 * Liveness and readiness, public: `/healthz` answers while the process runs; `/readyz` only when
 * it can serve decisions (the database answers and a configuration is loaded), so a load balancer
 * sends no traffic to a process that would fail closed on everything.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { ZodApp } from '../zod-app.ts';
import type { ServerContext } from '../server-context.ts';

const Check = z.object({ ok: z.boolean(), detail: z.string() });
const Readiness = z
  .object({
    ready: z.boolean(),
    checks: z.object({ database: Check, configuration: Check }),
  })
  .meta({ id: 'Readiness' });

/** how long the readiness probe waits for the database */
const DATABASE_PROBE_MS = 2_000;

export function healthRoutes(app: ZodApp, context: ServerContext): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['health'], summary: 'the process is running', response: { 200: z.object({ status: z.literal('ok') }) } } },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { tags: ['health'], summary: 'the process can serve decisions', response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const database = await probeDatabase(context);
      const active = context.config.current();
      const configuration = active !== undefined ? { ok: true, detail: `version ${active.version} (${active.hash})` } : { ok: false, detail: context.config.loadError ?? 'no configuration applied yet: run `parapet apply`' };
      const ready = database.ok && configuration.ok;
      return reply.code(ready ? 200 : 503).send({ ready, checks: { database, configuration } });
    },
  );
}

async function probeDatabase(context: ServerContext): Promise<{ ok: boolean; detail: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PROBE_MS} ms`)), DATABASE_PROBE_MS);
    });
    await Promise.race([sql`select 1`.execute(context.store.db), timeout]);
    return { ok: true, detail: context.store.kind };
  } catch (error) {
    return { ok: false, detail: `${context.store.kind}: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
