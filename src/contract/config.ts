/**
 * Configuration versions on the wire (docs/server.md "Configuration versions and apply"): the
 * apply request (the repository's files by relative path, as `parapet validate` reads them), its
 * answer, the history and one version with its plan report. The plan report is the JSON of
 * `parapet plan --json` (format `parapet-plan/3`, docs/plan.md), passed through as it was stored.
 */
import { z } from 'zod';
import { freeText } from './request-text.ts';

/** the most a message may say: one commit subject and a little more */
export const MAX_APPLY_MESSAGE_LENGTH = 1000;

export const ApplyRequest = z
  .strictObject({
    /** `parapet.yaml` and every policy JSON file, by `/`-separated path relative to the repository folder */
    files: z.record(z.string(), z.string()),
    /** the active version the change was planned against (0: none yet); another active version is a `conflict` */
    expectVersion: z.number().int().min(0).optional(),
    message: freeText(MAX_APPLY_MESSAGE_LENGTH).optional(),
  })
  .meta({ id: 'ApplyRequest' });

export type ApplyRequest = z.infer<typeof ApplyRequest>;

/** `summary` of a `parapet-plan/3` report: counts of what the version changed */
export const PlanSummary = z
  .object({
    structuralChanges: z.number().int(),
    principals: z.object({ groups: z.number().int(), users: z.number().int(), serviceAccounts: z.number().int() }),
    accessChanges: z.number().int(),
    actionsGained: z.number().int(),
    actionsLost: z.number().int(),
    actionsLostToGuardrails: z.number().int(),
    flags: z.object({ 'admin-equivalent': z.number().int(), 'privilege-escalation': z.number().int(), 'guardrail-lockout': z.number().int() }),
  })
  .meta({ id: 'PlanSummary' });

export type PlanSummary = z.infer<typeof PlanSummary>;

export const ConfigVersionSummary = z
  .object({
    version: z.number().int().positive(),
    /** `sha256:` and the hex SHA-256 of the canonical snapshot of the files */
    hash: z.string(),
    /** `service-account:NAME`, `bootstrap`, or `parapet serve --config DIR` */
    author: z.string(),
    appliedAt: z.string(),
    message: z.string().optional(),
  })
  .meta({ id: 'ConfigVersionSummary' });

export type ConfigVersionSummary = z.infer<typeof ConfigVersionSummary>;

export const ApplyResponse = z
  .object({
    version: z.number().int().positive(),
    hash: z.string(),
    /** true: the files are those of the active version, nothing was appended, `version` is the active one */
    unchanged: z.boolean(),
    author: z.string(),
    appliedAt: z.string(),
    /** what the version changed against the one before (absent when unchanged) */
    plan: PlanSummary.optional(),
  })
  .meta({ id: 'ApplyResponse' });

export type ApplyResponse = z.infer<typeof ApplyResponse>;

export const ConfigVersionList = z
  .object({
    /** newest first */
    versions: z.array(ConfigVersionSummary),
    /** pass as `before` for the next page; absent on the last page */
    nextBefore: z.number().int().positive().optional(),
  })
  .meta({ id: 'ConfigVersionList' });

export type ConfigVersionList = z.infer<typeof ConfigVersionList>;

export const ListConfigVersionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  before: z.coerce.number().int().min(1).optional(),
});

export const ConfigVersionParams = z.strictObject({ version: z.coerce.number().int().min(1) });

export const ConfigVersionQuery = z.strictObject({ include: z.enum(['files']).optional() });

export const ConfigVersionDetail = ConfigVersionSummary.extend({
  /** the `parapet-plan/3` report against the version before (the first version: against an empty configuration) */
  plan: z.record(z.string(), z.unknown()),
  /** with `?include=files`: the files of the version, by relative path */
  files: z.record(z.string(), z.string()).optional(),
}).meta({ id: 'ConfigVersionDetail' });

export type ConfigVersionDetail = z.infer<typeof ConfigVersionDetail>;
