/**
 * What Parapet reads of IAM in a member account, as plain values (read-account.ts): the roles and
 * customer managed policies it manages, the names of every other role and policy (a name is unique
 * in an account whatever its path, so a new role must not take one), and the OpenID Connect
 * identity providers. Policy documents are decoded (IAM returns them URL-encoded).
 */

/** where Parapet puts what it creates; what is under it is Parapet's (docs/aws.md) */
export const PARAPET_PATH = '/parapet/';

export interface LiveRole {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  /** the trust policy, decoded */
  readonly trustPolicy: string;
  readonly maxSessionDuration: number;
  readonly boundaryArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** inline policies by name, decoded, in name order */
  readonly inlinePolicies: Readonly<Record<string, string>>;
  /** ARNs of the attached managed policies, in order */
  readonly attachedPolicies: readonly string[];
}

export interface LiveManagedPolicy {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  /** the default version's document, decoded */
  readonly document: string;
  readonly defaultVersionId: string;
  /** the other versions, oldest first: AWS keeps five at most */
  readonly otherVersionIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** the users, groups and roles it is attached to (GetPolicy `AttachmentCount`) */
  readonly attachmentCount: number;
  /** the users and roles it bounds (GetPolicy `PermissionsBoundaryUsageCount`); absent when IAM does not say */
  readonly boundaryUsageCount?: number;
}

export interface LiveOidcProvider {
  readonly arn: string;
  /** as IAM returns it: the issuer URL without `https://` */
  readonly url: string;
  readonly clientIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface LiveAccountIam {
  readonly accountId: string;
  /** the roles Parapet manages: under `/parapet/`, or of a name Parapet needs and tagged `parapet:managed` */
  readonly roles: readonly LiveRole[];
  /** every other role's name and path */
  readonly otherRoles: Readonly<Record<string, string>>;
  /** the customer managed policies Parapet manages: under `/parapet/`, or of a name Parapet needs and tagged `parapet:managed` */
  readonly policies: readonly LiveManagedPolicy[];
  /** every other customer managed policy's name and path */
  readonly otherPolicies: Readonly<Record<string, string>>;
  readonly oidcProviders: readonly LiveOidcProvider[];
}

/** IAM returns policy documents URL-encoded (RFC 3986); some emulators return them as they are */
export function decodePolicyDocument(text: string | undefined): string {
  if (text === undefined) return '';
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
