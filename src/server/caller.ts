/**
 * Who is asking: what an authenticated request carries into its handler. Route handlers decide
 * what each kind may do; nothing else is trusted from the request.
 */
import type { CredentialClaims } from '../identity/credential.ts';

export type Caller =
  /** a person, with a sign-in credential (after SSO) or a session credential (one account, one permission set) */
  | { readonly kind: 'user'; readonly user: string; readonly claims: CredentialClaims }
  /** a service account of the active configuration (CI, an enforcement point) */
  | {
      readonly kind: 'service-account';
      readonly name: string;
      readonly via: 'parapet-credential' | 'github-actions';
      /** with `github-actions`: the run that acts, from its verified token (for the audit trail and an apply's author) */
      readonly workflowRun?: WorkflowRun;
    }
  /** the one-time bootstrap token of a server that has no configuration yet: it may apply, once */
  | { readonly kind: 'bootstrap'; /** the SHA-256 the store keeps of the token: what the first apply consumes */ readonly tokenHash: string }
  /** a SCIM client (Okta, Entra ID) with a token from `parapet scim token create`: it reaches /scim/v2 only */
  | { readonly kind: 'scim-client'; readonly tokenId: string; readonly name: string };

/** a GitHub Actions workflow run, as its OIDC token's claims name it */
export interface WorkflowRun {
  readonly repository: string;
  readonly ref?: string;
  readonly environment?: string;
  readonly workflow?: string;
  readonly runId?: string;
  /** the GitHub user who triggered the run */
  readonly actor?: string;
  readonly sha?: string;
}

/** a token read from the Authorization header, with its unverified payload for routing only */
export interface PresentedToken {
  readonly token: string;
  /** the JWT's payload decoded WITHOUT verification (undefined when not a JWT): only to choose the authenticator */
  readonly unverifiedIssuer: string | undefined;
}

/**
 * One way to authenticate a bearer token. The first authenticator that `accepts` a token decides
 * alone: its answer is the caller or an `unauthenticated` ParapetError, never a fall-through to
 * the next one (a forged Parapet credential must not be retried as something else).
 */
export interface Authenticator {
  readonly name: string;
  accepts(token: PresentedToken): boolean;
  authenticate(token: PresentedToken): Promise<Caller>;
}
