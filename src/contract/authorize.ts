/**
 * The decision API (`POST /v1/authorize`, `POST /v1/authorize/batch`, docs/decision-api.md): a
 * request as an enforcement point or a person asks it, and the answer: the engine's decision value
 * itself (src/policy/decision.ts), the same value `parapet simulate --json` prints, with its causes.
 * Keys the server fills (who the subject is, MFA, times) are not part of the request's context.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../policy/index.ts';
import { RequestIssue } from './error-body.ts';

/** the most requests one batch may carry: more is `invalid-input`, never a partial answer */
export const MAX_BATCH_REQUESTS = 1000;
export const MAX_CONTEXT_KEYS = 64;
export const MAX_CONTEXT_VALUES = 64;

const ContextValue = z.union([z.string().max(2048), z.array(z.string().max(2048)).max(MAX_CONTEXT_VALUES)]);

export const AuthorizeRequest = z
  .object({
    /** one action, `service:Action`, known to the catalog */
    action: z.string().max(256),
    /** the resource's ARN, or `*` for an action that takes no resource */
    resource: z.string().max(2048),
    /** request context keys the caller knows (aws:SourceIp, aws:RequestedRegion, s3:prefix...); a key given a list has several values */
    context: z
      .record(z.string().min(1).max(256), ContextValue)
      .refine((context) => Object.keys(context).length <= MAX_CONTEXT_KEYS, { message: `at most ${MAX_CONTEXT_KEYS} context keys` })
      .optional(),
    /** the account that owns the resource (id or name); default: the account in the ARN, else the session's */
    resourceAccount: z.string().max(256).optional(),
  })
  .strict()
  .meta({ id: 'AuthorizeRequest' });
export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;

/** whom the decision is about: default, the caller's own session credential */
export const AuthorizeSubject = z
  .object({
    /** a session credential the enforcement point received; only a service account may ask about one */
    credential: z.string().min(1).max(16 * 1024),
  })
  .strict()
  .meta({ id: 'AuthorizeSubject' });

/**
 * `all`: every Allow statement that applies and every missing key, as `parapet simulate` reports;
 * `sufficient` (the default): the same decision, every Deny, and one Allow per policy type that needed one
 */
const CausesOption = z.enum(['all', 'sufficient']);

export const AuthorizeBody = z
  .object({
    request: AuthorizeRequest,
    subject: AuthorizeSubject.optional(),
    causes: CausesOption.optional(),
  })
  .strict()
  .meta({ id: 'AuthorizeBody' });
export type AuthorizeBody = z.infer<typeof AuthorizeBody>;

export const AuthorizeBatchBody = z
  .object({
    requests: z.array(AuthorizeRequest).min(1).max(MAX_BATCH_REQUESTS),
    subject: AuthorizeSubject.optional(),
    causes: CausesOption.optional(),
  })
  .strict()
  .meta({ id: 'AuthorizeBatchBody' });
export type AuthorizeBatchBody = z.infer<typeof AuthorizeBatchBody>;

const PolicyType = z.enum(['scp', 'rcp', 'identity', 'resource', 'permissionBoundary', 'session']);
const StatementRef = z.object({
  policyType: PolicyType,
  policyName: z.string(),
  policyIndex: z.number(),
  level: z.number().exactOptional(),
  statementIndex: z.number(),
  sid: z.string().exactOptional(),
  effect: z.enum(['Allow', 'Deny']),
});
const Cause = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('explicit-deny'), statement: StatementRef }),
  z.object({ kind: z.literal('allow'), statement: StatementRef }),
  z.object({ kind: z.literal('no-allow'), policyType: PolicyType, level: z.number().exactOptional() }),
  z.object({ kind: z.literal('no-permission-required') }),
]);
const Outcome = z.enum(['Allow', 'ExplicitDeny', 'ImplicitDeny', 'NotApplicable']);
const Exemption = z.enum(['management-account', 'service-linked-role', 'not-an-org-principal', 'service-not-covered']);

/** the engine's decision value (src/policy/decision.ts), as `parapet simulate --json` prints it */
export const DecisionValue = z
  .object({
    decision: z.enum(['Allow', 'ExplicitDeny', 'ImplicitDeny']),
    principal: z.string(),
    action: z.string(),
    resource: z.string(),
    causes: z.array(Cause).readonly(),
    outcomes: z.partialRecord(PolicyType, Outcome),
    exemptions: z.partialRecord(z.enum(['scp', 'rcp']), Exemption),
    crossAccount: z.boolean(),
    missingContextKeys: z.array(z.string()).readonly(),
  })
  .meta({ id: 'Decision', description: 'the engine\'s decision: what was decided and every cause; never a bare boolean' });
export type DecisionValue = z.infer<typeof DecisionValue>;

export const DecidedItem = z
  .object({
    decision: DecisionValue,
    /** the decision in words, with the organization's names for guardrail levels */
    explanation: z.string().optional(),
  })
  .meta({ id: 'DecidedItem' });

/** one request of a batch that was not decided: its own error, never a decision */
export const ItemError = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      /** paths relative to the batch body: `body.requests[3].action` */
      issues: z.array(RequestIssue).optional(),
    }),
  })
  .meta({ id: 'AuthorizeItemError' });

export const AuthorizeResponse = DecidedItem.extend({
  /** the configuration version the decision was made with */
  configVersion: z.number(),
}).meta({ id: 'AuthorizeResponse' });
export type AuthorizeResponse = z.infer<typeof AuthorizeResponse>;

export const AuthorizeBatchResponse = z
  .object({
    configVersion: z.number(),
    /** one per request, in order: a decision or that request's error */
    decisions: z.array(z.union([DecidedItem, ItemError])),
  })
  .meta({ id: 'AuthorizeBatchResponse' });
export type AuthorizeBatchResponse = z.infer<typeof AuthorizeBatchResponse>;
