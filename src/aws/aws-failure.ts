/**
 * An AWS call that failed, as Parapet's one error: the SDK's error name (AWS's error code) and
 * message, with what Parapet was doing. Missing credentials and unreachable endpoints are AWS
 * being unavailable to Parapet (exit status 3), like a missing tool.
 */
import { ParapetError } from '../policy/index.ts';

export function awsFailure(doing: string, error: unknown): ParapetError {
  if (error instanceof ParapetError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    name === 'CredentialsProviderError' ? ': give credentials the standard AWS way (AWS_PROFILE, AWS_ACCESS_KEY_ID…, or an instance role)' : '';
  return new ParapetError('unavailable', `aws: ${doing}: ${name}: ${message}${hint}`, { cause: error });
}
