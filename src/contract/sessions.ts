/**
 * Sessions and credentials: `POST /v1/sessions` (assume a permission set in an account),
 * `GET /v1/sessions` (the caller's live credentials), `DELETE /v1/sessions/{id}`,
 * `POST /v1/sessions/revoke-all`, `POST /v1/users/{user}/revoke-sessions`.
 */
import { z } from 'zod';
import { nameText } from './request-text.ts';

/** the longest name or id a request may carry: longer is never a real account, permission set or user */
const NAME_MAX = 256;

export const AssumeRequest = z
  .strictObject({
    /** the account's name or its 12-digit id */
    account: nameText(NAME_MAX),
    permissionSet: nameText(NAME_MAX),
    /** at most the permission set's sessionDuration and what is left of the sign-in; default: that maximum */
    durationSeconds: z.number().int().min(60).max(12 * 3600).optional(),
  })
  .meta({ id: 'AssumeRequest' });

export type AssumeRequest = z.infer<typeof AssumeRequest>;

export const SessionIssued = z
  .object({
    /** the credential's id (`jti`): what `DELETE /v1/sessions/{id}` revokes */
    id: z.string(),
    /** the session credential: `Authorization: Bearer <token>` */
    token: z.string(),
    issuedAt: z.string(),
    expiresAt: z.string(),
    account: z.object({ id: z.string(), name: z.string() }),
    permissionSet: z.string(),
    /** the session principal AWS would see, as `parapet test` and `who-can` use it */
    principalArn: z.string(),
  })
  .meta({ id: 'SessionIssued' });

export type SessionIssued = z.infer<typeof SessionIssued>;

export const CredentialSummary = z
  .object({
    id: z.string(),
    use: z.enum(['sign-in', 'session', 'service']),
    issuedAt: z.string(),
    expiresAt: z.string(),
    account: z.string().optional(),
    permissionSet: z.string().optional(),
    /** the sign-in credential a session was made from */
    parent: z.string().optional(),
    /** the credential of this very request */
    current: z.boolean(),
  })
  .meta({ id: 'CredentialSummary' });

export type CredentialSummary = z.infer<typeof CredentialSummary>;

export const SessionList = z.object({ credentials: z.array(CredentialSummary) }).meta({ id: 'SessionList' });
export type SessionList = z.infer<typeof SessionList>;

export const CredentialIdParams = z.object({ id: nameText(NAME_MAX) });
export const UserParams = z.object({ user: nameText(NAME_MAX) });

export const Revoked = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('credential'), id: z.string(), revokedAt: z.string(), revokedBy: z.string() }),
    z.object({
      kind: z.literal('subject'),
      subject: z.string(),
      /** every credential of the subject issued at or before this instant */
      issuedBefore: z.string(),
      revokedAt: z.string(),
      revokedBy: z.string(),
    }),
  ])
  .meta({ id: 'Revoked' });

export type Revoked = z.infer<typeof Revoked>;
