/** `GET /v1/whoami`: who the server takes the caller to be */
import { z } from 'zod';

export const WhoAmI = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('user'),
      user: z.string(),
      credential: z.object({
        id: z.string(),
        use: z.enum(['sign-in', 'session', 'service']),
        issuedAt: z.string(),
        expiresAt: z.string(),
        mfa: z.boolean(),
        account: z.string().optional(),
        permissionSet: z.string().optional(),
      }),
    }),
    z.object({
      kind: z.literal('service-account'),
      serviceAccount: z.string(),
      via: z.enum(['parapet-credential', 'github-actions']),
      /** with `github-actions`: the workflow run acting, from its verified token */
      workflowRun: z
        .object({
          repository: z.string(),
          ref: z.string().optional(),
          environment: z.string().optional(),
          workflow: z.string().optional(),
          runId: z.string().optional(),
          actor: z.string().optional(),
          sha: z.string().optional(),
        })
        .optional(),
    }),
    z.object({ kind: z.literal('bootstrap') }),
  ])
  .meta({ id: 'WhoAmI' });

export type WhoAmI = z.infer<typeof WhoAmI>;
