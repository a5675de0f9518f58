/**
 * Authenticates a GitHub Actions workflow run as a service account (docs/service-accounts.md): a
 * bearer whose unverified issuer is the configured GitHub issuer is verified by
 * src/identity/github-actions-token.ts against the service accounts of the configuration in force
 * at this moment, so an apply that changes who may act as a service account takes effect with the
 * version. A refused token is `unauthenticated`, or `forbidden` when GitHub vouches for the run but
 * no service account accepts it; the issuer being unreachable is `unavailable`. Nothing falls
 * through to another authenticator.
 */
import { gitHubActionsFailure, type GitHubActionsVerifier } from '../identity/github-actions-token.ts';
import { ParapetError } from '../policy/index.ts';
import type { ActiveConfigSource } from './active-config.ts';
import type { Authenticator, Caller } from './caller.ts';

export interface GitHubActionsAuthenticatorOptions {
  readonly verifier: GitHubActionsVerifier;
  readonly config: ActiveConfigSource;
}

export function githubActionsAuthenticator(options: GitHubActionsAuthenticatorOptions): Authenticator {
  const { verifier } = options;
  return {
    name: 'github-actions',
    accepts: (presented) => presented.unverifiedIssuer === verifier.issuer,
    async authenticate(presented): Promise<Caller> {
      const active = options.config.current();
      // before the first apply there is no service account a run could act as (the bootstrap token applies first)
      if (active === undefined) throw new ParapetError('unauthenticated', 'github actions token: no configuration is applied yet, so there is no service account to act as', { details: { reason: 'no-matching-service-account' } });
      const result = await verifier.verify(presented.token, active.config);
      if (!result.ok) throw gitHubActionsFailure(result.issues);
      const { serviceAccount, claims } = result.value;
      return {
        kind: 'service-account',
        name: serviceAccount,
        via: 'github-actions',
        workflowRun: {
          repository: claims.repository,
          ...(claims.ref === undefined ? {} : { ref: claims.ref }),
          ...(claims.environment === undefined ? {} : { environment: claims.environment }),
          ...(claims.workflow === undefined ? {} : { workflow: claims.workflow }),
          ...(claims.run_id === undefined ? {} : { runId: claims.run_id }),
          ...(claims.actor === undefined ? {} : { actor: claims.actor }),
          ...(claims.sha === undefined ? {} : { sha: claims.sha }),
        },
      };
    },
  };
}
