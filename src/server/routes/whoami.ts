/** `GET /v1/whoami`: the authenticated caller, as the server sees it */
import { WhoAmI } from '../../contract/whoami.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { ParapetError } from '../../policy/index.ts';
import { callerOf } from '../authenticate.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function whoamiRoutes(app: ZodApp, _context: ServerContext): void {
  app.get('/v1/whoami', { schema: { tags: ['sessions'], summary: 'who the credential belongs to', response: { 200: WhoAmI, 401: ErrorBody } } }, (request): WhoAmI => {
    const caller = callerOf(request);
    switch (caller.kind) {
      case 'user': {
        const { claims } = caller;
        return {
          kind: 'user',
          user: caller.user,
          credential: {
            id: claims.jti,
            use: claims.use,
            issuedAt: iso(claims.iat),
            expiresAt: iso(claims.exp),
            mfa: claims.mfaTime !== undefined,
            ...(claims.account === undefined ? {} : { account: claims.account }),
            ...(claims.permissionSet === undefined ? {} : { permissionSet: claims.permissionSet }),
          },
        };
      }
      case 'service-account':
        return { kind: 'service-account', serviceAccount: caller.name, via: caller.via, ...(caller.workflowRun === undefined ? {} : { workflowRun: caller.workflowRun }) };
      case 'bootstrap':
        return { kind: 'bootstrap' };
      case 'scim-client':
        // never reached: the authentication hook keeps SCIM tokens on /scim/v2
        throw new ParapetError('forbidden', 'a SCIM token authenticates only /scim/v2');
      default: {
        const never: never = caller;
        return never;
      }
    }
  });
}
