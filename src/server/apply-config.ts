/**
 * Apply: make a configuration repository's files the active configuration version. Only a
 * service account may apply, or, while no version exists, the one-time bootstrap token (or the
 * server itself, from `parapet serve --config DIR`). An invalid configuration changes nothing.
 *
 *   who may apply → check the limits → validate (as `parapet validate`) → snapshot and hash →
 *   read the version before → same hash: unchanged → plan against it → append (expecting that
 *   version; the bootstrap token consumed with it) → refresh the holder
 *
 * The append always expects the version the plan was made against, so a stored plan report is
 * never against the wrong version: a caller without `expectVersion` that loses a race is planned
 * again on top of the winner; a caller with one gets `conflict`.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { buildPlan, type PlanReport } from '../analysis/build-plan.ts';
import { planJson } from '../analysis/plan-json.ts';
import { actionChecker } from '../catalog/installed-catalog-checks.ts';
import { loadCatalog } from '../catalog/load-catalog.ts';
import type { PlanSummary } from '../contract/config.ts';
import {
  CONFIG_DIR_LIMITS,
  CONFIG_FILE,
  emptyOrgConfig,
  formatBytes,
  MAX_FILE_BYTES,
  parseConfig,
  validateReport,
  validateReportJson,
  type ConfigFiles,
  type OrgConfig,
} from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import { activeConfigVersion, appendConfigVersion, type ConfigVersion, type Store } from '../store/index.ts';
import { loadConfigVersion, type ActiveConfigHolder } from './active-config.ts';
import type { Caller } from './caller.ts';
import { reasonOf, recordAuditEvent, SERVER_PRINCIPAL, type AuditFields, type AuditPrincipal, type AuditRecording } from './record-audit-event.ts';
import { configSnapshot } from './config-snapshot.ts';
import type { ServerMetrics } from './server-metrics.ts';

/** who applies, as recorded in the version's `author` */
export type Applier =
  | { readonly kind: 'service-account'; readonly name: string }
  /** the one-time bootstrap token, by its hash (the token is consumed with the append) */
  | { readonly kind: 'bootstrap'; readonly tokenHash: string }
  /** the server itself, at start, from `parapet serve --config DIR` */
  | { readonly kind: 'server'; readonly configDir: string };

export interface ApplyConfigInput {
  readonly applier: Applier;
  /** by `/`-separated path relative to the repository folder, as `parapet validate` reads them */
  readonly files: ConfigFiles;
  readonly expectVersion?: number | undefined;
  readonly message?: string | undefined;
  /** the HTTP request it came with, for the audit event (none: the server applies at start) */
  readonly request?: FastifyRequest | undefined;
  /** who, when the caller knows more than the applier says (a GitHub Actions run) */
  readonly who?: AuditPrincipal | undefined;
}

export interface ApplyConfigResult {
  readonly version: number;
  readonly hash: string;
  /** the files are those of the active version: nothing was appended */
  readonly unchanged: boolean;
  readonly author: string;
  readonly appliedAt: string;
  /** what the new version changes; absent when unchanged */
  readonly plan?: PlanSummary | undefined;
}

export interface ApplyConfigDependencies {
  readonly store: Store;
  readonly clock: () => Date;
  readonly config: ActiveConfigHolder;
  readonly metrics: ServerMetrics;
  /** every apply is on record before it is stored */
  readonly audit: AuditRecording['audit'];
}

/** the label of the version a first apply plans against (docs/server.md) */
export const EMPTY_CONFIGURATION_LABEL = '(no configuration)';

/** how often an apply without `expectVersion` is planned again after losing a race */
const APPLY_ATTEMPTS = 3;

export async function applyConfig(deps: ApplyConfigDependencies, input: ApplyConfigInput): Promise<ApplyConfigResult> {
  const who = input.who ?? applierPrincipal(input.applier);
  try {
    const files = checkLimits(input.files);
    const config = validate(files);
    const snapshot = configSnapshot(files);
    for (let attempt = 1; ; attempt += 1) {
      const previous = await activeConfigVersion(deps.store);
      checkApplierMayApply(input.applier, previous);
      checkExpectedVersion(input.expectVersion, previous);
      if (previous !== undefined && previous.hash === snapshot.hash) {
        deps.metrics.applies.inc({ result: 'unchanged' });
        return { version: previous.version, hash: previous.hash, unchanged: true, author: previous.author, appliedAt: previous.appliedAt };
      }
      const plan = planAgainst(previous, config);
      const appliedAt = deps.clock();
      const author = authorOf(input.applier);
      const nextVersion = (previous?.version ?? 0) + 1;
      const fields: AuditFields = {
        type: 'config-apply',
        action: 'apply',
        outcome: 'success',
        resource: `config-version:${nextVersion}`,
        details: { version: nextVersion, hash: snapshot.hash, previousVersion: previous?.version, author, message: input.message, plan: plan.summary },
      };
      let version: number;
      try {
        // on record before it is stored (record-audit-event.ts): an apply the log cannot hold is not made
        if (input.applier.kind === 'bootstrap') {
          await recordAuditEvent(deps, who, input.request, { type: 'token', action: 'use-bootstrap-token', outcome: 'success', resource: `bootstrap-token:${input.applier.tokenHash}`, details: { forVersion: nextVersion } });
        }
        await recordAuditEvent(deps, who, input.request, fields);
        version = await appendConfigVersion(deps.store, {
          hash: snapshot.hash,
          author,
          appliedAt,
          snapshot: snapshot.snapshot,
          planReport: JSON.stringify(planJson(plan)),
          message: input.message,
          expectVersion: previous?.version ?? 0,
          bootstrapTokenHash: input.applier.kind === 'bootstrap' ? input.applier.tokenHash : undefined,
        });
      } catch (error) {
        // the attempt on record is followed by its failure (a lost race, the database gone, the log itself)
        await recordAuditEvent(deps, who, input.request, { ...fields, outcome: 'failure', details: { ...fields.details, reason: reasonOf(error) } }).catch(() => undefined);
        const retry = error instanceof ParapetError && error.code === 'conflict' && input.expectVersion === undefined && input.applier.kind === 'service-account';
        if (retry && attempt < APPLY_ATTEMPTS) continue;
        throw error;
      }
      await deps.config.refresh();
      deps.metrics.applies.inc({ result: 'applied' });
      return { version, hash: snapshot.hash, unchanged: false, author, appliedAt: appliedAt.toISOString(), plan: plan.summary };
    }
  } catch (error) {
    deps.metrics.applies.inc({ result: error instanceof ParapetError ? error.code : 'internal' });
    throw error;
  }
}

/** what a caller may do here: a service account applies; the bootstrap token applies the first version; nobody else */
export function applierOf(caller: Caller): Applier {
  switch (caller.kind) {
    case 'service-account':
      return { kind: 'service-account', name: caller.name };
    case 'bootstrap':
      return { kind: 'bootstrap', tokenHash: caller.tokenHash };
    case 'scim-client':
      throw new ParapetError('forbidden', 'a SCIM token may not apply: it authenticates only /scim/v2');
    case 'user':
      throw new ParapetError('forbidden', `\`${caller.user}\` may not apply: configuration versions are applied by a service account, from CI (docs/service-accounts.md)`);
    default: {
      const never: never = caller;
      return never;
    }
  }
}

export function authorOf(applier: Applier): string {
  switch (applier.kind) {
    case 'service-account':
      return `service-account:${applier.name}`;
    case 'bootstrap':
      return 'bootstrap';
    case 'server':
      return `parapet serve --config ${applier.configDir}`;
    default: {
      const never: never = applier;
      return never;
    }
  }
}

/** who applies, as the audit log names them */
function applierPrincipal(applier: Applier): AuditPrincipal {
  switch (applier.kind) {
    case 'service-account':
      return { principal: `service-account:${applier.name}` };
    case 'bootstrap':
      return { principal: 'bootstrap', session: applier.tokenHash };
    case 'server':
      return { principal: SERVER_PRINCIPAL };
    default: {
      const never: never = applier;
      return never;
    }
  }
}

/** `sha256:` and the hex SHA-256 of a bootstrap token: what the database keeps */
export function bootstrapTokenHash(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/**
 * The same bounds as reading a folder (read-config-dir.ts): the files `parapet validate` would
 * read, no more of them and no larger. Paths are relative, `/`-separated, without `.`, `..`, dot
 * folders or node_modules (which a folder walk skips), and name parapet.yaml or a JSON file.
 */
export function checkLimits(files: ConfigFiles): ConfigFiles {
  if (files.size > CONFIG_DIR_LIMITS.files) {
    throw new ParapetError('too-many-files', `more than ${CONFIG_DIR_LIMITS.files.toLocaleString('en-US')} files in the configuration: ${files.size.toLocaleString('en-US')}`);
  }
  const issues: { path: string; message: string }[] = [];
  let total = 0;
  for (const [path, text] of files) {
    const where = `body.files[${JSON.stringify(path)}]`;
    const problem = pathProblem(path);
    if (problem !== undefined) {
      issues.push({ path: where, message: problem });
      continue;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    const limit = path === CONFIG_FILE ? MAX_FILE_BYTES.config : MAX_FILE_BYTES.policy;
    if (bytes > limit) throw new ParapetError('file-too-large', `\`${path}\` is larger than ${formatBytes(limit)}`, { path });
    total += bytes;
  }
  if (issues.length > 0) throw new ParapetError('invalid-input', `the request names ${issues.length} file${issues.length === 1 ? '' : 's'} a configuration folder cannot hold`, { details: { issues } });
  if (total > CONFIG_DIR_LIMITS.totalBytes) throw new ParapetError('file-too-large', `the configuration's files add up to more than ${formatBytes(CONFIG_DIR_LIMITS.totalBytes)}`);
  return files;
}

function pathProblem(path: string): string | undefined {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return 'not a relative `/`-separated path';
  const segments = path.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) return 'a path with an empty, `.` or `..` part';
  if (segments.slice(0, -1).some((segment) => segment.startsWith('.') || segment === 'node_modules')) return 'in a dot folder or node_modules, which `parapet validate` does not read';
  if (segments.length - 1 > CONFIG_DIR_LIMITS.depth) return `deeper than ${CONFIG_DIR_LIMITS.depth} folders`;
  if (path !== CONFIG_FILE && !path.endsWith('.json')) return `neither \`${CONFIG_FILE}\` nor a \`.json\` file`;
  return undefined;
}

/** exactly `parapet validate`: an invalid configuration is `invalid-input` with the report (format parapet-validate/1) */
function validate(files: ConfigFiles): OrgConfig {
  const parsed = parseConfig(files, { checkAction: actionChecker() });
  if (parsed.ok) return parsed.value;
  const report = validateReport('.', parsed);
  throw new ParapetError('invalid-input', `the configuration is not valid: ${report.errors} error${report.errors === 1 ? '' : 's'} (run \`parapet validate\` on it)`, {
    details: { report: validateReportJson(report) },
  });
}

function checkApplierMayApply(applier: Applier, previous: ConfigVersion | undefined): void {
  if (previous === undefined) return;
  switch (applier.kind) {
    case 'service-account':
      return;
    case 'bootstrap':
      throw new ParapetError('forbidden', `the bootstrap token only applies the first configuration, and version ${previous.version} exists: apply with a service account (docs/service-accounts.md)`);
    case 'server':
      throw new ParapetError('conflict', `the database already holds configuration version ${previous.version}`);
    default: {
      const never: never = applier;
      return never;
    }
  }
}

function checkExpectedVersion(expectVersion: number | undefined, previous: ConfigVersion | undefined): void {
  const active = previous?.version ?? 0;
  if (expectVersion !== undefined && expectVersion !== active) {
    throw new ParapetError('conflict', `the active configuration version is ${active}, not the expected ${expectVersion}`, { details: { expectVersion, activeVersion: active } });
  }
}

/**
 * The plan report against the version before. The first version is planned against an empty
 * configuration (no accounts, no principals): everything it holds is new. A stored version this
 * build can no longer read is planned against as empty too, and says so in `from`, rather than
 * blocking the apply that would replace it.
 */
function planAgainst(previous: ConfigVersion | undefined, config: OrgConfig): PlanReport {
  const to = `version ${(previous?.version ?? 0) + 1}`;
  let before: OrgConfig = emptyOrgConfig(config.organization);
  let from = EMPTY_CONFIGURATION_LABEL;
  if (previous !== undefined) {
    try {
      before = loadConfigVersion(previous).config;
      from = `version ${previous.version}`;
    } catch {
      from = `version ${previous.version} (unreadable: planned as empty)`;
    }
  }
  return buildPlan(before, config, { catalog: loadCatalog(), from, to });
}
