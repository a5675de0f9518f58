/**
 * The AWS target over HTTP: `POST /v1/aws/web-identity-token` (a token for
 * sts:AssumeRoleWithWebIdentity, for an assignment the caller holds), `GET /v1/aws/revocations`
 * (how far revocations have reached AWS) and `POST /v1/aws/apply` (a service account applies the
 * active configuration to the organization).
 */
import { z } from 'zod';
import { AssumeRequest } from './sessions.ts';

/** the account (its name or its 12-digit id) and the permission set, as `POST /v1/sessions` names them */
export const WebIdentityTokenRequest = z
  .strictObject({ account: AssumeRequest.shape.account, permissionSet: AssumeRequest.shape.permissionSet })
  .meta({ id: 'WebIdentityTokenRequest' });

export type WebIdentityTokenRequest = z.infer<typeof WebIdentityTokenRequest>;

export const WebIdentityTokenIssued = z
  .object({
    /** the token's id (`jti`) */
    id: z.string(),
    /** the JWT to pass as `WebIdentityToken` */
    token: z.string(),
    /** until when the token may be exchanged */
    expiresAt: z.string(),
    account: z.object({ id: z.string(), name: z.string() }),
    permissionSet: z.string(),
    /** `arn:aws:iam::<account>:role/parapet/<permission set>` */
    roleArn: z.string(),
    /** the `RoleSessionName`: names the user, as CloudTrail will show it */
    roleSessionName: z.string(),
    /** the `DurationSeconds` to ask for: the permission set's sessionDuration, capped by what is left of the sign-in */
    durationSeconds: z.number().int(),
  })
  .meta({ id: 'WebIdentityTokenIssued' });

export type WebIdentityTokenIssued = z.infer<typeof WebIdentityTokenIssued>;

export const AwsRevocationDeliveryView = z
  .object({
    revocationId: z.number().int(),
    state: z.enum(['pending', 'done', 'nothing']),
    attempts: z.number().int(),
    lastError: z.string().optional(),
    nextAttemptAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AwsRevocationDelivery' });

export const AwsRevocationDeliveries = z.object({ pending: z.array(AwsRevocationDeliveryView) }).meta({ id: 'AwsRevocationDeliveries' });
export type AwsRevocationDeliveries = z.infer<typeof AwsRevocationDeliveries>;

export const AwsApplyResult = z
  .object({
    /** the configuration version applied */
    configVersion: z.number().int(),
    organizationId: z.string(),
    /** each change as `parapet aws plan` describes it */
    done: z.array(z.string()),
    failed: z.object({ change: z.string(), error: z.string() }).optional(),
    notDone: z.array(z.string()),
  })
  .meta({ id: 'AwsApplyResult' });

export type AwsApplyResult = z.infer<typeof AwsApplyResult>;
