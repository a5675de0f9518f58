/**
 * `parapet aws credentials ACCOUNT PERMISSION_SET`: AWS credentials for the AWS CLI and SDKs
 * through their `credential_process` protocol. With the sign-in credential of `parapet login` the
 * server issues a web identity token for the assignment (only one the user holds), and
 * `sts:AssumeRoleWithWebIdentity` exchanges it for the role `parapet/<permission set>` in the
 * account, with a role session name naming the user (CloudTrail shows who did it).
 *
 * Standard output carries only the protocol's JSON (`Version: 1`, AccessKeyId, SecretAccessKey,
 * SessionToken, Expiration); every failure goes to standard error with a non-zero exit status.
 * Unexpired credentials are cached (mode 0600, beside the credentials file) and reused while more
 * than five minutes are left, unless `--no-cache`.
 */
import { readFileSync, mkdirSync, writeFileSync, chmodSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { WebIdentityTokenIssued } from '../contract/aws.ts';
import { ParapetError } from '../policy/index.ts';
import { credentialsPath } from './credentials-file.ts';
import type { CommandOutcome } from './exit-status.ts';
import type { Io } from './io.ts';
import { idsOf, loadServerCredentials, signInToken } from './server-credentials.ts';
import { serverClient } from './server-client.ts';

interface AwsCredentialsOptions {
  server?: string;
  cache?: boolean;
}

/** what `credential_process` prints (AWS CLI and SDKs: "Sourcing credentials with an external process") */
export const ProcessCredentials = z.strictObject({
  Version: z.literal(1),
  AccessKeyId: z.string().min(1),
  SecretAccessKey: z.string().min(1),
  SessionToken: z.string().min(1),
  Expiration: z.iso.datetime({ offset: true }),
});
export type ProcessCredentials = z.infer<typeof ProcessCredentials>;

/** cached credentials are reused only with more than this left */
const CACHE_MARGIN_MS = 5 * 60_000;
const CacheFile = z.object({ format: z.literal('parapet-aws-cache/1'), entries: z.record(z.string(), ProcessCredentials) });
type CacheFile = z.infer<typeof CacheFile>;

export function awsCachePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(dirname(credentialsPath(env)), 'aws-credentials-cache.json');
}

function readCache(path: string): CacheFile {
  try {
    const parsed = CacheFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // no cache, or not one we wrote: start a new one
  }
  return { format: 'parapet-aws-cache/1', entries: {} };
}

function writeCache(path: string, cache: CacheFile, now: number): void {
  const entries = Object.fromEntries(Object.entries(cache.entries).filter(([, entry]) => Date.parse(entry.Expiration) > now));
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ ...cache, entries })}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    throw new ParapetError('unwritable-file', `cannot write the AWS credentials cache \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path });
  }
}

export function awsCredentialsCommand(io: Io, setExit: (outcome: CommandOutcome) => void): Command {
  return new Command('credentials')
    .description('AWS credentials for a permission set in an account, as the AWS CLI\'s credential_process wants them (docs/aws.md)')
    .argument('<account>', 'the account, by name or 12-digit id')
    .argument('<permission-set>', 'the permission set')
    .option('--server <url>', 'the Parapet server (PARAPET_SERVER; default: the last one signed in to)')
    .option('--no-cache', 'always ask the server and AWS; do not reuse or keep credentials')
    .addHelpText(
      'after',
      `
Needs the sign-in credential of \`parapet login\`. In ~/.aws/config:

  [profile payments-prod-developer]
  credential_process = parapet aws credentials payments-prod developer

AWS STS is reached the standard AWS way (AWS_REGION, AWS_ENDPOINT_URL, the profile's region);
no AWS credential is needed to ask it.

Exit status: 0 with the credentials on standard output; 2 when refused, 3 when AWS cannot be reached.`,
    )
    .action(async (account: string, permissionSet: string, options: AwsCredentialsOptions) => {
      const loaded = loadServerCredentials(options.server);
      const token = signInToken(loaded);
      const now = Date.now();
      const cachePath = awsCachePath();
      const cacheKey = `${loaded.server} ${idsOf(token).id ?? token.slice(-16)} ${account} ${permissionSet}`;
      const cache = options.cache === false ? undefined : readCache(cachePath);
      const cached = cache?.entries[cacheKey];
      if (cached !== undefined && Date.parse(cached.Expiration) - now > CACHE_MARGIN_MS) {
        io.out(`${JSON.stringify(cached)}\n`);
        setExit('yes');
        return;
      }
      const issued = await serverClient(loaded.server).request({ method: 'POST', path: '/v1/aws/web-identity-token', token, body: { account, permissionSet }, response: WebIdentityTokenIssued });
      const credentials = await assumeRoleWithWebIdentity(issued);
      if (cache !== undefined) writeCache(cachePath, { ...cache, entries: { ...cache.entries, [cacheKey]: credentials } }, now);
      io.out(`${JSON.stringify(credentials)}\n`);
      setExit('yes');
    });
}

/** the STS call, with the endpoint and region of the standard AWS environment (us-east-1 when none is set) */
export async function assumeRoleWithWebIdentity(issued: WebIdentityTokenIssued): Promise<ProcessCredentials> {
  // loaded only when the command runs: the CLI starts without the AWS SDK
  const { STSClient, AssumeRoleWithWebIdentityCommand } = await import('@aws-sdk/client-sts');
  let client = new STSClient({ maxAttempts: 8 });
  try {
    await client.config.region();
  } catch {
    client.destroy();
    // STS's global endpoint is served from us-east-1
    client = new STSClient({ maxAttempts: 8, region: 'us-east-1' });
  }
  try {
    const answer = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: issued.roleArn,
        RoleSessionName: issued.roleSessionName,
        WebIdentityToken: issued.token,
        DurationSeconds: issued.durationSeconds,
      }),
    );
    const given = answer.Credentials;
    if (given?.AccessKeyId === undefined || given.SecretAccessKey === undefined || given.SessionToken === undefined || given.Expiration === undefined) {
      throw new ParapetError('unavailable', `aws: assuming \`${issued.roleArn}\`: AWS STS answered without credentials`);
    }
    return { Version: 1, AccessKeyId: given.AccessKeyId, SecretAccessKey: given.SecretAccessKey, SessionToken: given.SessionToken, Expiration: given.Expiration.toISOString() };
  } catch (error) {
    if (error instanceof ParapetError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    // AWS refusing the token or the role is a refusal (exit 2); anything else is AWS unreachable (3)
    const refused = ['AccessDenied', 'AccessDeniedException', 'InvalidIdentityToken', 'ExpiredTokenException', 'IDPRejectedClaim', 'ValidationError', 'PackedPolicyTooLarge'].includes(name);
    throw new ParapetError(refused ? 'forbidden' : 'unavailable', `aws: assuming \`${issued.roleArn}\` as \`${issued.roleSessionName}\`: ${name}: ${message}`, { cause: error });
  } finally {
    client.destroy();
  }
}
