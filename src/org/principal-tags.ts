/**
 * The principal tags of a directory user's sessions (`aws:PrincipalTag/<key>`): for each key of
 * the configuration's `directory.principalTags`, the value of the SCIM attribute it names, read
 * from the user as the directory has it (a snapshot, or the server's store through the same
 * snapshot shape), so the server and `parapet test --directory` see the same tags.
 *
 * Paths are SCIM's (RFC 7644 §3.10), names compared without case: `title`, `name.familyName`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`, `...:User:manager.value`.
 * A multi-valued attribute gives its `primary` value, else its first; a complex value without a
 * sub-attribute gives its `value`. A value that is not a valid session tag value by AWS's rules
 * (at most 256 characters of letters, digits, white space and `_ . : / = + - @`: the STS `Tag`
 * type, https://docs.aws.amazon.com/STS/latest/APIReference/API_Tag.html, "Passing session tags in
 * AWS STS", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html) is left out, as
 * is an attribute the user does not have: a policy that requires the tag then does not match, and
 * a guardrail that denies without it denies.
 */
import type { SnapshotUser } from './directory-snapshot.ts';
import type { OrgConfig } from './org-config.ts';

const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export function principalTagsOf(config: OrgConfig, user: SnapshotUser): Record<string, string> {
  const tags: Record<string, string> = {};
  if (config.principalTags === undefined) return tags;
  for (const [key, path] of config.principalTags) {
    const value = readAttribute(user, path);
    if (value !== undefined && [...value].length <= 256 && TAG_VALUE.test(value)) tags[key] = value;
  }
  return tags;
}

function field(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** one value of a possibly multi-valued attribute: the primary one, else the first */
function single(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.find((item) => field(item, 'primary') === true) ?? value[0];
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

export function readAttribute(user: SnapshotUser, path: string): string | undefined {
  let container: unknown;
  let rest = path;
  const colon = path.lastIndexOf(':');
  if (colon !== -1) {
    container = field(user.attributes, path.slice(0, colon));
    rest = path.slice(colon + 1);
  } else {
    container = {
      ...user.attributes,
      userName: user.userName,
      displayName: user.displayName,
      externalId: user.externalId,
      active: user.active,
      emails: user.emails,
    };
  }
  const [name, sub] = rest.split('.') as [string, string | undefined];
  const value = single(field(container, name));
  if (sub !== undefined) return scalar(single(field(value, sub)));
  return scalar(value) ?? scalar(field(value, 'value'));
}
