/**
 * Credentials of a role assumed with other credentials (`sts:AssumeRole`), as an SDK credential
 * provider: asked for again five minutes before they expire, so a client made with it serves a
 * long-running server as well as one apply. The one way Parapet reaches IAM in a member account
 * (the apply's account-access.ts, the server's aws-target.ts).
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { ParapetError } from '../policy/index.ts';

export interface AssumedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

/** AWS's errors pass through as they are (the caller says where); an answer without credentials is `unavailable` */
export function assumeRoleCredentials(sts: STSClient, roleArn: string, sessionName: string, durationSeconds?: number): () => Promise<AssumedCredentials> {
  let cached: AssumedCredentials | undefined;
  return async () => {
    if (cached !== undefined && cached.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS) return cached;
    const answer = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, ...(durationSeconds === undefined ? {} : { DurationSeconds: durationSeconds }) }));
    const given = answer.Credentials;
    if (given?.AccessKeyId === undefined || given.SecretAccessKey === undefined || given.SessionToken === undefined) {
      throw new ParapetError('unavailable', `aws: assuming \`${roleArn}\`: AWS STS answered without credentials`);
    }
    cached = { accessKeyId: given.AccessKeyId, secretAccessKey: given.SecretAccessKey, sessionToken: given.SessionToken, expiration: given.Expiration ?? new Date(Date.now() + 3600_000) };
    return cached;
  };
}
