/**
 * The AWS SDK v3 clients Parapet's AWS target uses, made in one place. Without options the SDK's
 * standard chain decides everything (AWS_REGION / AWS_PROFILE / AWS_ACCESS_KEY_ID…, the shared
 * config and credentials files, AWS_ENDPOINT_URL), so Parapet asks for no credential of its own.
 * Tests pass an endpoint and dummy credentials to reach the emulator.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClientOptions {
  readonly region?: string;
  /** an AWS API endpoint other than AWS's (an emulator); absent: the SDK's own resolution */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string } | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>);
  /** a profile of the shared AWS config and credentials files (else AWS_PROFILE, else `default`) */
  readonly profile?: string;
  /**
   * attempts per call, the first included: the SDK's standard retry strategy retries throttling
   * (`Throttling`, `TooManyRequestsException`, …) and transient errors with exponential backoff
   * and jitter, up to this many attempts; default 8
   */
  readonly maxAttempts?: number;
}

export interface AwsClients {
  /** what they were made with: clients for a member account are made the same way with other credentials */
  readonly options: AwsClientOptions;
  readonly organizations: OrganizationsClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  destroy(): void;
}

/** Organizations is a global service served from us-east-1 */
const ORGANIZATIONS_REGION = 'us-east-1';

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const common = {
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: typeof options.credentials === 'function' ? options.credentials : { ...options.credentials } }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    maxAttempts: options.maxAttempts ?? 8,
    retryMode: 'standard',
  };
  const organizations = new OrganizationsClient({ ...common, region: options.region ?? ORGANIZATIONS_REGION });
  const iam = new IAMClient({ ...common, region: options.region ?? ORGANIZATIONS_REGION });
  const sts = new STSClient({ ...common, ...(options.region === undefined ? {} : { region: options.region }) });
  return {
    options,
    organizations,
    iam,
    sts,
    destroy() {
      organizations.destroy();
      iam.destroy();
      sts.destroy();
    },
  };
}
