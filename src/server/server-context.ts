/**
 * Everything a route needs, passed in by the composition root (main.ts) or a test: the store,
 * the settings, the clock and id source (injected, so tests never sleep), the keys and the
 * revocations, the configuration in force, the authenticators and the metrics. Routes take what
 * they use from here and nothing from module state.
 */
import type { KeyRing } from '../identity/key-ring.ts';
import type { RevocationList } from '../identity/revocation-list.ts';
import type { Store } from '../store/index.ts';
import type { ActiveConfigHolder } from './active-config.ts';
import type { AwsTarget } from '../aws/aws-target.ts';
import type { AuditRecorder } from './audit-recorder.ts';
import type { AwsRevoker } from './aws-revoker.ts';
import type { Authenticator } from './caller.ts';
import type { ServerMetrics } from './server-metrics.ts';
import type { ServerSettings } from './server-settings.ts';
import type { SsoSignIn } from './sso-sign-in.ts';

export interface ServerContext {
  readonly settings: ServerSettings;
  readonly store: Store;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly keys: KeyRing;
  readonly revocations: RevocationList;
  readonly config: ActiveConfigHolder;
  /** tried in order; the first that accepts a token decides */
  readonly authenticators: readonly Authenticator[];
  readonly metrics: ServerMetrics;
  /** the audit log: `record` resolves once the event is durable */
  readonly audit: AuditRecorder;
  /** sign-in with SSO (or the demo provider); undefined when the server has neither: sign-in answers `unavailable` */
  readonly sso?: SsoSignIn | undefined;
  /** the AWS organization of the settings' `aws`: undefined when the server has none */
  readonly aws?: { readonly target: AwsTarget; readonly revoker: AwsRevoker } | undefined;
}
