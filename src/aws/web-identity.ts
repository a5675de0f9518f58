/**
 * What AWS requires of a web identity token for `sts:AssumeRoleWithWebIdentity`, and the names
 * Parapet gives AWS: the token's subject, the role session name and the session tags. Pure: the
 * server issues the token (src/identity/aws-web-identity-token.ts), the CLI exchanges it.
 *
 * AWS's documented requirements (each is checked on a real issued token in
 * src/server/routes/aws.test.ts):
 * - AssumeRoleWithWebIdentity API reference
 *   (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html):
 *   the token is signed with RSA keys (RS256, RS384, RS512) or ECDSA keys (ES256, ES384, ES512),
 *   its timestamps are integers, it is 4 to 20,000 characters; `RoleSessionName` is 2 to 64
 *   characters of letters, digits and `_+=,.@-`; `DurationSeconds` is 900 s up to the role's
 *   maximum session duration (at most 12 hours); `SubjectFromWebIdentityToken` (the `sub`) is 6 to
 *   255 characters.
 * - Passing session tags using AssumeRoleWithWebIdentity
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp):
 *   the tags are the claim `https://aws.amazon.com/tags`, an object with `principal_tags` (each key
 *   → an array holding its one value) and `transitive_tag_keys`; at most 50 tags, keys up to 128
 *   and values up to 256 characters, keys unique ignoring case (tag keys are case-insensitive),
 *   no key starting with `aws:`, the characters of IAM tags (letters, digits, white space and
 *   `_.:/=+-@`).
 * - Create an OpenID Connect (OIDC) identity provider in IAM
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html): the
 *   issuer is an `https://` URL without query or port, whose `/.well-known/openid-configuration`
 *   gives a `jwks_uri` with the signing key (by `kid`); `aud` is one of the provider's client ids.
 */
import { createHash } from 'node:crypto';

/** the audience AWS's documentation uses for STS (a server setting may choose another) */
export const DEFAULT_AWS_AUDIENCE = 'sts.amazonaws.com';
export const AWS_TAGS_CLAIM = 'https://aws.amazon.com/tags';
/** the algorithms AWS accepts for web identity tokens (API_AssumeRoleWithWebIdentity) */
export const AWS_ACCEPTED_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
export const AWS_TOKEN_MAX_CHARACTERS = 20_000;
export const AWS_SUBJECT_MIN = 6;
export const AWS_SUBJECT_MAX = 255;
export const MAX_SESSION_TAGS = 50;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;
/** AssumeRoleWithWebIdentity's DurationSeconds: at least 15 minutes */
export const MIN_AWS_SESSION_SECONDS = 900;
export const ROLE_SESSION_NAME_MAX = 64;
const ROLE_SESSION_NAME_CHARACTERS = /^[\w+=,.@-]*$/;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/**
 * how long a web identity token may be exchanged: five minutes, and IAM accepts a token up to
 * five minutes past its `exp` for clock skew (id_roles_providers_oidc.html), so a revocation
 * denies sessions made until both have passed
 */
export const AWS_TOKEN_LIFETIME_SECONDS = 300;
export const AWS_EXPIRY_TOLERANCE_SECONDS = 300;

/**
 * The `sub` of a token for one assignment: which account, which permission set, which user. The
 * role's trust policy matches `account:<id>:permission-set:<name>:user:*`, so a token issued for
 * one role is refused by every other (a permission set's name has no `:`, an account id is 12
 * digits: the prefix cannot be forged by a user name).
 */
export function webIdentitySubject(accountId: string, permissionSet: string, user: string): string {
  return `${webIdentitySubjectPrefix(accountId, permissionSet)}${user}`;
}

/** what the trust policy of `parapet/<permission set>` in the account matches with StringLike (then `*`) */
export function webIdentitySubjectPrefix(accountId: string, permissionSet: string): string {
  return `account:${accountId}:permission-set:${permissionSet}:user:`;
}

/**
 * The role session name for a principal: CloudTrail shows it, and `aws:userid` of the session is
 * `<role id>:<session name>`. AWS allows 2 to 64 characters of letters, digits and `_+,.@-=`.
 * The mapping is deterministic and one-to-one, so two users never share a session name (a
 * revocation of one never misses, nor hits, the other):
 * - a name of allowed characters other than `=`, 2 to 64 long, is kept as it is (an e-mail address);
 * - otherwise every other character (and `=`) becomes `=` and its UTF-8 bytes in upper-case hex
 *   (`a b` → `a=20b`), and a name of one character gets `==`;
 * - what is then longer than 64 keeps its first 47 characters, `==` and 15 hex digits of the
 *   SHA-256 of the name (`==` is never made by the escaping, so a shortened name is never an
 *   escaped one).
 */
export function roleSessionName(name: string): string {
  let encoded = '';
  for (const character of name) {
    if (character !== '=' && /^[\w+,.@-]$/.test(character)) encoded += character;
    else for (const byte of utf8Bytes(character.codePointAt(0)!)) encoded += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (encoded.length < 2) encoded += '==';
  if (encoded.length <= ROLE_SESSION_NAME_MAX) return encoded;
  const digest = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 15);
  return `${encoded.slice(0, ROLE_SESSION_NAME_MAX - 17)}==${digest}`;
}

/**
 * the UTF-8 bytes of one code point, lone surrogates included (as WTF-8 writes them): two names
 * that differ in a lone surrogate never share a session name (Buffer.from would make both U+FFFD)
 */
function utf8Bytes(point: number): number[] {
  if (point < 0x80) return [point];
  if (point < 0x800) return [0xc0 | (point >> 6), 0x80 | (point & 0x3f)];
  if (point < 0x10000) return [0xe0 | (point >> 12), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f)];
  return [0xf0 | (point >> 18), 0x80 | ((point >> 12) & 0x3f), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f)];
}

export function isRoleSessionName(name: string): boolean {
  return name.length >= 2 && name.length <= ROLE_SESSION_NAME_MAX && ROLE_SESSION_NAME_CHARACTERS.test(name);
}

/** the `https://aws.amazon.com/tags` claim AWS documents: every tag transitive, so a role chain keeps them */
export interface AwsTagsClaim {
  readonly principal_tags: Readonly<Record<string, readonly [string]>>;
  readonly transitive_tag_keys: readonly string[];
}

/** why AWS would refuse these tags as session tags; empty when it accepts them */
export function sessionTagProblems(tags: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > MAX_SESSION_TAGS) problems.push(`${keys.length} tags: AWS accepts at most ${MAX_SESSION_TAGS} session tags`);
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(tags)) {
    if (key.length === 0 || key.length > MAX_TAG_KEY) problems.push(`tag key \`${key.slice(0, 40)}\`: 1 to ${MAX_TAG_KEY} characters`);
    if (!TAG_CHARACTERS.test(key)) problems.push(`tag key \`${key.slice(0, 40)}\`: only letters, digits, spaces and \`_.:/=+-@\``);
    if (key.toLowerCase().startsWith('aws:')) problems.push(`tag key \`${key.slice(0, 40)}\`: the prefix \`aws:\` is AWS's`);
    const other = seen.get(key.toLowerCase());
    if (other !== undefined) problems.push(`tag keys \`${other}\` and \`${key}\` differ only in case: AWS's tag keys are case-insensitive`);
    seen.set(key.toLowerCase(), key);
    if (value.length > MAX_TAG_VALUE) problems.push(`tag \`${key.slice(0, 40)}\`: its value is over ${MAX_TAG_VALUE} characters`);
    if (!TAG_CHARACTERS.test(value)) problems.push(`tag \`${key.slice(0, 40)}\`: its value has characters other than letters, digits, spaces and \`_.:/=+-@\``);
  }
  return problems;
}

export function awsTagsClaim(tags: Readonly<Record<string, string>>): AwsTagsClaim {
  const keys = Object.keys(tags).sort();
  return {
    principal_tags: Object.fromEntries(keys.map((key) => [key, [tags[key]!] as const])),
    transitive_tag_keys: keys,
  };
}
