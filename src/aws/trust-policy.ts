/**
 * The trust policy of a Parapet role: sessions come from Parapet's web identity tokens through
 * `sts:AssumeRoleWithWebIdentity`, with the account's IAM OpenID Connect provider for Parapet's
 * issuer as the federated principal, the token's audience (`<provider>:aud`) and subject
 * (`<provider>:sub`) checked (IAM User Guide, "Create a role for OpenID Connect federation",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html, and
 * "Available keys for AWS web identity federation",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
 * `sts:TagSession` is allowed too: a token carrying session tags (the
 * `https://aws.amazon.com/tags` claim) is refused without it (IAM User Guide, "Passing session
 * tags in AWS STS", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html).
 */

export interface TrustSettings {
  /** Parapet's issuer: the server's public URL, `https://…` */
  readonly issuer: string;
  /** the `aud` of Parapet's tokens for AWS; AWS's default is `sts.amazonaws.com` (DEFAULT_AWS_AUDIENCE, web-identity.ts) */
  readonly audience: string;
}

/** AWS's trust policies are 2,048 characters by default (IAM quotas, "Role trust policy length"), white space not counted */
export const TRUST_POLICY_CHARACTERS = 2_048;

/** the issuer as IAM names its provider: without `https://` and a final `/` (`parapet.example.com/path`); undefined when it is not an https URL */
export function providerHostOf(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
  return `${url.host}${url.pathname}`.replace(/\/+$/, '');
}

export function providerArnOf(partition: string, accountId: string, host: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${host}`;
}

/**
 * `subjectPattern`: the `sub` values admitted, matched with `StringLike`: the prefix of the web
 * identity tokens Parapet issues for this role's assignment (`webIdentitySubjectPrefix` + `*`,
 * src/aws/web-identity.ts). Who holds the assignment is decided by the server when it issues a
 * token (from the directory, SCIM included, at that moment), not by a list in the trust policy: a
 * membership change then needs no apply, and the policy stays within AWS's 2,048 characters
 * however many people hold the role.
 */
export function trustPolicyOf(providerArn: string, host: string, audience: string, subjectPattern: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ParapetWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: { StringEquals: { [`${host}:aud`]: audience }, StringLike: { [`${host}:sub`]: subjectPattern } },
      },
    ],
  });
}
