/**
 * The composition root: the only place that opens the store, makes the key ring and the
 * revocation list, and wires them with the configuration holder and the authenticators into the
 * app. `startServer` is what `parapet serve` runs and what tests start; `stop` is the graceful
 * shutdown SIGTERM triggers: stop accepting, let requests in flight finish, stop polling, close
 * the database.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';
import { createGitHubActionsVerifier } from '../identity/github-actions-token.ts';
import { resolveKeyEncryptionKey } from '../identity/key-encryption-key.ts';
import { createStoredKeyRing, type StoredKeyRing } from '../identity/stored-key-ring.ts';
import { createStoredRevocationList, type StoredRevocationList } from '../identity/stored-revocation-list.ts';
import { loadConfigDir } from '../org/index.ts';
import { openStore } from '../store/index.ts';
import { createActiveConfigHolder } from './active-config.ts';
import { auditAppenderFor } from './audit-appender.ts';
import { createAuditRecorder, type AuditRecorder } from './audit-recorder.ts';
import { buildApp } from './app.ts';
import { bootstrapAuthenticator } from './bootstrap-authenticator.ts';
import { githubActionsAuthenticator } from './github-actions-authenticator.ts';
import { parapetCredentialAuthenticator } from './parapet-credential-authenticator.ts';
import { scimTokenAuthenticator } from './scim-token-authenticator.ts';
import { prepareConfiguration, type PreparedConfiguration } from './prepare-configuration.ts';
import { recordAuditEvent, SERVER_PRINCIPAL } from './record-audit-event.ts';
import type { ServerContext } from './server-context.ts';
import { createServerMetrics } from './server-metrics.ts';
import { REDACTED_LOG_PATHS, type ServerSettings } from './server-settings.ts';
import { createSsoSignIn } from './sso-sign-in.ts';
import type { ZodApp } from './zod-app.ts';

export interface StartServerOptions {
  /** default: the system clock; tests pass their own */
  readonly clock?: (() => Date) | undefined;
  /** default: pino at the settings' level, secrets redacted; false: no log */
  readonly logger?: FastifyServerOptions['logger'] | undefined;
  /** default true; false builds the app without listening (Fastify `inject` in tests) */
  readonly listen?: boolean | undefined;
}

/** the context of a server process: its keys and revocations follow the shared database */
export interface ServerProcessContext extends ServerContext {
  readonly keys: StoredKeyRing;
  readonly revocations: StoredRevocationList;
}

export interface RunningServer {
  readonly app: ZodApp;
  readonly context: ServerProcessContext;
  /** where it listens, e.g. `http://127.0.0.1:8080` (the bound port when 0 was asked) */
  readonly url: string | undefined;
  /** what the start did about the configuration: the bootstrap token to print once, a version applied from --config, warnings */
  readonly prepared: PreparedConfiguration;
  stop(): Promise<void>;
}

export async function createServerContext(settings: ServerSettings, options: StartServerOptions = {}): Promise<ServerProcessContext> {
  if (settings.database.kind === 'sqlite') mkdirSync(settings.stateDir, { recursive: true, mode: 0o700 });
  // before the database is opened: a process that could not read the shared signing keys must not start
  const keyEncryptionKey = resolveKeyEncryptionKey({ given: settings.keyEncryptionKey, database: settings.database.kind, stateDir: settings.stateDir });
  const store = await openStore(settings.database);
  let audit: AuditRecorder | undefined;
  try {
    await store.migrate();
    const clock = options.clock ?? (() => new Date());
    // first: everything after it records what it does (key rotations included)
    audit = createAuditRecorder({ store, appender: await auditAppenderFor(store, settings.database), publicUrl: settings.publicUrl, keyEncryptionKey, clock });
    const recorder = audit;
    const keys = await createStoredKeyRing({
      store,
      keyEncryptionKey,
      clock,
      rotationSeconds: settings.keyRotationSeconds,
      recordRotation: (rotation, outcome) =>
        recordAuditEvent({ audit: recorder, clock }, { principal: SERVER_PRINCIPAL }, undefined, {
          type: 'key-rotation',
          action: rotation.first ? 'create-signing-key' : 'rotate-signing-key',
          outcome,
          resource: `signing-key:${rotation.kid}`,
          details: { ...rotation },
        }),
    });
    const revocations = await createStoredRevocationList({ store, clock });
    const config = createActiveConfigHolder(store);
    await config.refresh();
    // the demo provider's users: the configuration in force, else the folder given to apply at start
    const sso = await createSsoSignIn(settings, () => config.current()?.config ?? configOfFolder(settings.configDir));
    return {
      settings,
      store,
      clock,
      newId: randomUUID,
      keys,
      revocations,
      config,
      authenticators: [
        parapetCredentialAuthenticator({ issuer: settings.publicUrl, keys, revocations, clock }),
        githubActionsAuthenticator({
          verifier: createGitHubActionsVerifier({ issuer: settings.githubIssuer, audience: settings.githubAudience, clock }),
          config,
        }),
        bootstrapAuthenticator(store),
        scimTokenAuthenticator(store),
      ],
      metrics: createServerMetrics({ defaultMetrics: options.listen ?? true }),
      audit,
      sso,
    };
  } catch (error) {
    await audit?.stop().catch(() => undefined);
    await store.close();
    throw error;
  }
}

function configOfFolder(dir: string | undefined) {
  if (dir === undefined) return undefined;
  const parsed = loadConfigDir(dir);
  return parsed.ok ? parsed.value : undefined;
}

export async function startServer(settings: ServerSettings, options: StartServerOptions = {}): Promise<RunningServer> {
  const context = await createServerContext(settings, options);
  const logger = options.logger ?? { level: settings.logLevel, redact: [...REDACTED_LOG_PATHS] };
  let app: ZodApp;
  let prepared: PreparedConfiguration;
  try {
    prepared = await prepareConfiguration(context);
    app = await buildApp(context, { logger });
  } catch (error) {
    await context.audit.stop();
    await context.sso?.stop();
    await context.store.close();
    throw error;
  }
  for (const warning of prepared.warnings) app.log.warn(warning);
  // every process follows the shared database: new configuration versions (and revocations)
  const poll = setInterval(() => {
    context.config.refresh().catch((error: unknown) => app.log.warn({ err: error }, 'cannot read the active configuration version'));
  }, settings.pollMilliseconds);
  poll.unref();
  // revocations made through any process are refused by every process within one interval; keys rotate
  const follow = setInterval(() => {
    context.revocations.poll().catch((error: unknown) => app.log.error({ err: error }, 'cannot read new revocations'));
    context.keys.refresh().catch((error: unknown) => app.log.error({ err: error }, 'cannot read the signing keys'));
  }, settings.pollMilliseconds);
  follow.unref();
  let url: string | undefined;
  if (options.listen ?? true) {
    try {
      await app.listen({ host: settings.host, port: settings.port });
    } catch (error) {
      clearInterval(poll);
      clearInterval(follow);
      await app.close();
      await context.audit.stop();
      await context.sso?.stop();
      await context.store.close();
      throw error;
    }
    const address = app.server.address();
    if (address !== null && typeof address === 'object') url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }
  let stopping: Promise<void> | undefined;
  return {
    app,
    context,
    url,
    prepared,
    stop() {
      stopping ??= (async () => {
        clearInterval(poll);
        clearInterval(follow);
        await app.close();
        // what was recorded before the last request ended is written and covered by a last checkpoint
        await context.audit.stop().catch((error: unknown) => app.log.error({ err: error }, 'cannot write the last audit checkpoint'));
        await context.sso?.stop();
        await context.store.close();
      })();
      return stopping;
    },
  };
}
