/**
 * Who the engine sees when a principal of the configuration uses a permission set in an account:
 * a role session, and the request context keys AWS supplies for it. Parapet provisions each
 * permission set in each account it is assigned to as the role `parapet/<permission set>`; the
 * session is named after the user, the group or the service account. Only what the configuration
 * knows is supplied: nothing is invented (no organization id when `organization.id` is not given,
 * no principal tags the configuration does not give).
 */
import type { ContextValue, CallerFacts } from '../policy/index.ts';
import type { Directory, OrgConfig, PrincipalRef } from '../org/index.ts';
import { roleSessionName } from '../aws/web-identity.ts';

export interface PrincipalSession {
  /** `arn:aws:sts::<account id>:assumed-role/<permission set>/<session name>` */
  readonly principal: string;
  readonly facts: CallerFacts;
  /** keys AWS puts in every request of such a session, beyond those the engine derives from the ARN */
  readonly context: Readonly<Record<string, ContextValue>>;
}

export interface SessionFacts {
  /** the organization's id (`o-...`), when the configuration gives it: `aws:PrincipalOrgID` */
  readonly organizationId?: string | undefined;
  /** tags of the principal, when the configuration gives them: `aws:PrincipalTag/<key>` */
  readonly principalTags?: Readonly<Record<string, string>> | undefined;
}

/**
 * What the configuration knows of every session in its accounts, with `facts` given by the caller
 * on top: every account of the tree is a member of the organization (the management account
 * too), so its principals carry the organization's id as `aws:PrincipalOrgID` when it is given.
 */
export function sessionFactsOf(config: OrgConfig, facts: SessionFacts = {}): SessionFacts {
  const organizationId = facts.organizationId ?? config.organization.id;
  return organizationId === undefined ? facts : { ...facts, organizationId };
}

/**
 * The facts of one principal's sessions: the configuration's, and for a user the tags the directory
 * gives them (`directory.principalTags` of parapet.yaml read from the user's SCIM attributes), as
 * the decision API gives them to the same user's sessions.
 */
export function principalFactsOf(facts: SessionFacts, principal: PrincipalRef, directory: Directory): SessionFacts {
  if (principal.kind !== 'user') return facts;
  const tags = directory.attributesOf(principal.name)?.tags;
  if (tags === undefined || Object.keys(tags).length === 0) return facts;
  return { ...facts, principalTags: { ...facts.principalTags, ...tags } };
}

/** the role a permission set is provisioned as in an account (aws:PrincipalArn of its sessions) */
export function permissionSetRoleArn(accountId: string, permissionSet: string): string {
  return `arn:aws:iam::${accountId}:role/parapet/${permissionSet}`;
}

/** the role session name `parapet aws credentials` gives AWS (one-to-one, AWS's characters and length) */
function sessionName(principal: PrincipalRef): string {
  return roleSessionName(principal.name);
}

export function principalSession(principal: PrincipalRef, accountId: string, permissionSet: string, facts: SessionFacts = {}): PrincipalSession {
  const roleArn = permissionSetRoleArn(accountId, permissionSet);
  const context: Record<string, ContextValue> = {
    // present in every request signed with AWS credentials (reference_policies_condition-keys.html)
    'aws:PrincipalIsAWSService': 'false',
    'aws:PrincipalType': 'AssumedRole',
  };
  if (facts.organizationId !== undefined) context['aws:PrincipalOrgID'] = facts.organizationId;
  for (const [key, value] of Object.entries(facts.principalTags ?? {})) context[`aws:PrincipalTag/${key}`] = value;
  return {
    // the role's path is not part of a session ARN: the engine takes the role ARN from the facts
    principal: `arn:aws:sts::${accountId}:assumed-role/${permissionSet}/${sessionName(principal)}`,
    facts: { roleArn },
    context,
  };
}
