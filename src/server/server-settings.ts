/**
 * The server's settings: where it listens, its public URL, its database, its SSO client, the key
 * that encrypts its signing keys, the workload identity issuer. They come from flags, then
 * environment variables (`PARAPET_*`), then a settings file (`--settings FILE`, JSON or YAML), then
 * defaults, and never from the configuration repository (which anyone who can open a pull request
 * may edit). Secrets (the SSO client secret, the key encryption key, a database password) are
 * never logged: `describeSettings` is what the server prints.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ParapetError } from '../policy/index.ts';
import { GITHUB_ACTIONS_ISSUER } from '../identity/github-actions-token.ts';
import { DEFAULT_AWS_AUDIENCE } from '../aws/web-identity.ts';
import { redactDatabaseUrl, type StoreOptions } from '../store/index.ts';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_STATE_DIR = '.parapet';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const SsoSettings = z.strictObject({
  issuer: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  /** the ID token claim holding the user's groups; a dotted path reads nested claims */
  groupsClaim: z.string().min(1).default('groups'),
  /** the claim naming the user as the configuration does (its group members) */
  userClaim: z.enum(['email', 'preferred_username', 'sub']).default('email'),
  /** `acr` values that mean a second factor was used, besides `amr` values (RFC 8176) */
  mfaAcrValues: z.array(z.string()).default([]),
  /** `amr` values that mean a second factor was used; default: src/identity/oidc-settings.ts (docs/sso.md) */
  mfaAmrValues: z.array(z.string()).optional(),
  /** the scopes asked for; default `openid email profile` */
  scopes: z.array(z.string().min(1)).optional(),
  /** how long a started sign-in may wait for the provider's answer, in seconds; default 600 */
  pendingLoginMaxAgeSeconds: z.coerce.number().int().min(60).max(3600).optional(),
  /** whether the identity provider's groups claim may add group memberships the configuration does not list */
  trustIdpGroups: z.boolean().default(false),
});

/**
 * The AWS target the server reaches (revocation denies, apply): the management account's
 * credentials come the standard AWS way (AWS_PROFILE or `profile`, AWS_ACCESS_KEY_ID…, an instance
 * role), never from these settings
 */
const AwsTargetSettings = z.strictObject({
  /** a profile of the shared AWS config and credentials files; default: the SDK's chain */
  profile: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  /** an AWS API endpoint other than AWS's (an emulator) */
  endpoint: z.url().optional(),
  /** the role assumed in each member account */
  memberAccountRole: z.string().min(1).max(64).default('OrganizationAccountAccessRole'),
});

const SettingsShape = z.strictObject({
  host: z.string().min(1).default(DEFAULT_HOST),
  port: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  /** the URL people and tools reach the server at: the issuer of its credentials */
  publicUrl: z.url().optional(),
  /** `postgres://…`; without it an embedded SQLite file under the state folder */
  databaseUrl: z.string().min(1).optional(),
  /** where the embedded database and the generated key encryption key live */
  stateDir: z.string().min(1).default(DEFAULT_STATE_DIR),
  /** the configuration repository folder applied at start when the database has none yet */
  configDir: z.string().min(1).optional(),
  /** base64 of 32 bytes: encrypts the signing keys at rest; generated into the state folder when absent */
  keyEncryptionKey: z.string().min(1).optional(),
  /** how often signing keys rotate, in seconds */
  keyRotationSeconds: z.coerce.number().int().positive().default(7 * 24 * 3600),
  sso: SsoSettings.optional(),
  /** run an OpenID provider in process with the configuration's users (loopback only) */
  demo: z.boolean().default(false),
  githubIssuer: z.url().default(GITHUB_ACTIONS_ISSUER),
  /** the audience GitHub Actions tokens must carry; default: the public URL */
  githubAudience: z.string().min(1).optional(),
  /**
   * record every decision durably in the audit log before answering it, failing closed when it
   * cannot (issue #10). Off by default: each decision waits for the fsync of its group commit,
   * so the decision API's rate is bounded by the decisions in flight over the disk's fsync time
   * (bench/RESULTS.md, "The audit log"; docs/audit.md, "Cost")
   */
  auditDecisions: z.boolean().default(false),
  /** the `aud` of web identity tokens for AWS: one of the client ids of the IAM OIDC provider */
  awsAudience: z.string().min(1).max(1000).default(DEFAULT_AWS_AUDIENCE),
  /** the AWS organization this server applies to and revokes AWS sessions in; absent: none */
  aws: AwsTargetSettings.optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  bodyLimit: z.coerce.number().int().positive().default(DEFAULT_BODY_LIMIT),
  /** how often each process looks for a newer configuration version and new revocations, in ms */
  pollMilliseconds: z.coerce.number().int().min(50).max(10_000).default(250),
});

export type SsoSettings = z.infer<typeof SsoSettings>;
export type AwsTargetSettings = z.infer<typeof AwsTargetSettings>;

export interface ServerSettings extends Omit<z.infer<typeof SettingsShape>, 'publicUrl' | 'databaseUrl' | 'githubAudience'> {
  readonly publicUrl: string;
  readonly database: StoreOptions;
  readonly githubAudience: string;
}

/** settings as given: every value optional, strings from the environment or flags */
export type SettingsInput = Partial<Record<keyof z.input<typeof SettingsShape>, unknown>>;

/** environment variable → setting; the file and the flags use the setting's own name */
export const SETTINGS_ENVIRONMENT: Readonly<Record<string, keyof z.input<typeof SettingsShape>>> = {
  PARAPET_HOST: 'host',
  PARAPET_PORT: 'port',
  PARAPET_PUBLIC_URL: 'publicUrl',
  PARAPET_DATABASE_URL: 'databaseUrl',
  PARAPET_STATE_DIR: 'stateDir',
  PARAPET_KEY_ENCRYPTION_KEY: 'keyEncryptionKey',
  PARAPET_GITHUB_ISSUER: 'githubIssuer',
  PARAPET_GITHUB_AUDIENCE: 'githubAudience',
  PARAPET_LOG_LEVEL: 'logLevel',
  PARAPET_AWS_AUDIENCE: 'awsAudience',
};

const SSO_ENVIRONMENT: Readonly<Record<string, keyof z.input<typeof SsoSettings>>> = {
  PARAPET_SSO_ISSUER: 'issuer',
  PARAPET_SSO_CLIENT_ID: 'clientId',
  PARAPET_SSO_CLIENT_SECRET: 'clientSecret',
  PARAPET_SSO_GROUPS_CLAIM: 'groupsClaim',
  PARAPET_SSO_USER_CLAIM: 'userClaim',
};

export interface SettingsSources {
  /** flags given on the command line (undefined: not given) */
  readonly flags?: SettingsInput | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** a settings file (JSON or YAML) */
  readonly file?: string | undefined;
  /** the folder relative paths are resolved from */
  readonly cwd?: string | undefined;
}

function readSettingsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ParapetError('not-found', `cannot read the settings file \`${file}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path: file });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ParapetError('invalid-input', `the settings file \`${file}\` is not YAML or JSON: ${(error as Error).message.split('\n')[0] ?? ''}`, { path: file });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ParapetError('invalid-input', `the settings file \`${file}\` must hold a map of settings`, { path: file });
  return value as Record<string, unknown>;
}

function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== ''));
}

/** every source merged (flags win, then the environment, then the file) and checked at once */
export function resolveServerSettings(sources: SettingsSources = {}): ServerSettings {
  const cwd = sources.cwd ?? process.cwd();
  const env = sources.env ?? {};
  const file = sources.file === undefined ? {} : readSettingsFile(resolve(cwd, sources.file));
  const fromEnv: Record<string, unknown> = {};
  for (const [variable, setting] of Object.entries(SETTINGS_ENVIRONMENT)) fromEnv[setting] = env[variable];
  const ssoFromEnv = defined(Object.fromEntries(Object.entries(SSO_ENVIRONMENT).map(([variable, setting]) => [setting, env[variable]])));
  const merged: Record<string, unknown> = { ...file, ...defined(fromEnv), ...defined({ ...sources.flags }) };
  if (Object.keys(ssoFromEnv).length > 0) merged['sso'] = { ...(merged['sso'] as Record<string, unknown> | undefined), ...ssoFromEnv };
  const parsed = SettingsShape.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `\`${issue.path.join('.') || '(settings)'}\`: ${issue.message.toLowerCase()}`);
    throw new ParapetError('usage', `invalid server settings: ${issues.join('; ')}`, { details: { issues } });
  }
  const value = parsed.data;
  const stateDir = isAbsolute(value.stateDir) ? value.stateDir : resolve(cwd, value.stateDir);
  const publicUrl = (value.publicUrl ?? `http://${value.host.includes(':') ? `[${value.host}]` : value.host}:${value.port}`).replace(/\/+$/, '');
  const database: StoreOptions = value.databaseUrl === undefined ? { kind: 'sqlite', file: join(stateDir, 'parapet.db') } : { kind: 'postgres', url: value.databaseUrl };
  const { publicUrl: _publicUrl, databaseUrl: _databaseUrl, githubAudience, ...rest } = value;
  return {
    ...rest,
    stateDir,
    ...(value.configDir === undefined ? {} : { configDir: resolve(cwd, value.configDir) }),
    publicUrl,
    database,
    githubAudience: githubAudience ?? publicUrl,
  };
}

/** the settings as the server prints and logs them: every secret replaced */
export function describeSettings(settings: ServerSettings): Record<string, unknown> {
  return {
    listen: `${settings.host}:${settings.port}`,
    publicUrl: settings.publicUrl,
    database: settings.database.kind === 'sqlite' ? `sqlite:${settings.database.file}` : redactDatabaseUrl(settings.database.url),
    stateDir: settings.stateDir,
    configDir: settings.configDir,
    keyEncryptionKey: settings.keyEncryptionKey === undefined ? 'generated in the state folder' : '(given, not shown)',
    sso: settings.sso === undefined ? undefined : { ...settings.sso, clientSecret: settings.sso.clientSecret === undefined ? undefined : '(given, not shown)' },
    demo: settings.demo,
    githubIssuer: settings.githubIssuer,
    githubAudience: settings.githubAudience,
    awsAudience: settings.awsAudience,
    aws: settings.aws,
  };
}

/** pino paths that must never be written to a log */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'settings.keyEncryptionKey',
  'settings.sso.clientSecret',
];
