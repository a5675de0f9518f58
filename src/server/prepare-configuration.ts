/**
 * What a starting server does about its configuration, before it serves:
 *
 * - versions exist: it serves the newest; with `--config DIR` whose files differ from it, it says
 *   that the stored version is served and `parapet apply` is how DIR would replace it
 * - none, with `--config DIR`: it applies DIR as the first version itself (author
 *   `parapet serve --config DIR`), so one command serves a configuration; an invalid DIR stops it
 * - none, without: it makes a one-time bootstrap token, stores its hash and hands the token back
 *   to be printed once, for the first `parapet apply`
 *
 * Several processes starting at once on one PostgreSQL: only one first apply lands, the others
 * see a `conflict` and serve the winner's version.
 */
import { readConfigDir } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import { storeBootstrapToken } from '../store/index.ts';
import { applyConfig, bootstrapTokenHash } from './apply-config.ts';
import { newBootstrapToken } from './bootstrap-authenticator.ts';
import { configSnapshot } from './config-snapshot.ts';
import { auditedChange, SERVER_PRINCIPAL } from './record-audit-event.ts';
import type { ServerContext } from './server-context.ts';

export interface PreparedConfiguration {
  /** the one-time bootstrap token, when one was made: print it once, never log it */
  readonly bootstrapToken?: string | undefined;
  /** the version applied from `--config DIR` at this start */
  readonly appliedFromConfigDir?: number | undefined;
  /** things the operator should know, one line each */
  readonly warnings: readonly string[];
}

export async function prepareConfiguration(context: ServerContext): Promise<PreparedConfiguration> {
  const configDir = context.settings.configDir;
  const active = context.config.current();
  if (active !== undefined || context.config.loadError !== undefined) {
    if (configDir === undefined || active === undefined) return { warnings: [] };
    const { hash } = configSnapshot(readConfigDir(configDir));
    if (hash === active.hash) return { warnings: [] };
    return {
      warnings: [
        `the configuration in \`${configDir}\` (${hash}) differs from the stored version ${active.version} (${active.hash}): the stored version is served; \`parapet apply ${configDir}\` makes the folder a new version`,
      ],
    };
  }
  if (configDir !== undefined) {
    try {
      const result = await applyConfig(context, { applier: { kind: 'server', configDir }, files: readConfigDir(configDir), expectVersion: 0 });
      return { appliedFromConfigDir: result.version, warnings: [] };
    } catch (error) {
      if (error instanceof ParapetError && error.code === 'conflict') {
        // another process applied first: serve its version
        await context.config.refresh();
        return { warnings: [] };
      }
      if (error instanceof ParapetError && error.code === 'invalid-input') {
        throw new ParapetError('invalid-input', `\`${configDir}\` is not a valid configuration: see \`parapet validate ${configDir}\``, { path: configDir, ...(error.details === undefined ? {} : { details: error.details }) });
      }
      throw error;
    }
  }
  const token = newBootstrapToken();
  const tokenHash = bootstrapTokenHash(token);
  await auditedChange(context, { principal: SERVER_PRINCIPAL }, undefined, { type: 'token', action: 'create-bootstrap-token', outcome: 'success', resource: `bootstrap-token:${tokenHash}` }, () =>
    storeBootstrapToken(context.store, tokenHash, context.clock()),
  );
  return { bootstrapToken: token, warnings: [] };
}
