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
import { auditLogSize, latestAuditCheckpoint, openStore } from '../store/index.ts';
import { createActiveConfigHolder } from './active-config.ts';
import { auditAppenderFor } from './audit-appender.ts';
import { createAuditRecorder, type AuditRecorder } from './audit-recorder.ts';
import type { AwsRevokerOptions } from './aws-revoker.ts';
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

/** how often a process looks for revocations to carry to AWS */
const AWS_REVOCATION_POLL_MS = 2_000;

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
    // events a process appended but never covered by a checkpoint (it was killed between the two)
    // are covered now, not only after the next append and timer tick: a proof for them is
    // available from the start, and an export made now verifies to the end
    if ((await auditLogSize(store)) > ((await latestAuditCheckpoint(store))?.size ?? 0)) await recorder.checkpoint();
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
    const aws = await awsOf(settings, { store, clock, audit: recorder, managementAccountId: () => config.current()?.config.organization.managementAccount });
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
      aws,
    };
  } catch (error) {
    await audit?.stop().catch(() => undefined);
    await store.close();
    throw error;
  }
}

/** the AWS target and the worker that carries revocations to it, when the settings name one */
async function awsOf(settings: ServerSettings, parts: Pick<AwsRevokerOptions, 'store' | 'clock' | 'audit' | 'managementAccountId'>): Promise<ServerContext['aws']> {
  if (settings.aws === undefined) return undefined;
  // the AWS SDK is loaded only by a server that has an AWS target
  const [{ createAwsTarget }, { createAwsRevoker }] = await Promise.all([import('../aws/aws-target.ts'), import('./aws-revoker.ts')]);
  const { profile, region, endpoint, memberAccountRole } = settings.aws;
  const target = createAwsTarget({
    clientOptions: { ...(profile === undefined ? {} : { profile }), ...(region === undefined ? {} : { region }), ...(endpoint === undefined ? {} : { endpoint }) },
    memberAccountRole,
  });
  return { target, revoker: createAwsRevoker({ ...parts, target }) };
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
  // revocations reach AWS: retried until they do (aws-revoker.ts)
  const revoker = context.aws?.revoker;
  // a server without an AWS target has no revocations to carry there: no timer
  const awsRevocations = revoker === undefined ? undefined : setInterval(() => {
    revoker
      .runOnce()
      .then((report) => {
        for (const failed of report.failed) app.log.error({ revocation: failed.revocationId, error: failed.error }, 'a revocation could not reach AWS yet: it is retried');
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'cannot carry revocations to AWS'));
  }, Math.max(settings.pollMilliseconds, AWS_REVOCATION_POLL_MS));
  awsRevocations?.unref();
  let url: string | undefined;
  if (options.listen ?? true) {
    try {
      await app.listen({ host: settings.host, port: settings.port });
    } catch (error) {
      clearInterval(poll);
      clearInterval(follow);
      clearInterval(awsRevocations);
      context.aws?.target.destroy();
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
        clearInterval(awsRevocations);
        await app.close();
        // a run under way finishes (its delivery row is written) before the store closes
        await context.aws?.revoker.settled();
        context.aws?.target.destroy();
        // what was recorded before the last request ended is written and covered by a last checkpoint
        await context.audit.stop().catch((error: unknown) => app.log.error({ err: error }, 'cannot write the last audit checkpoint'));
        await context.sso?.stop();
        await context.store.close();
      })();
      return stopping;
    },
  };
}
