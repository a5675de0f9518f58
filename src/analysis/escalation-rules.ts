/**
 * What a reviewer must not miss in an access change, with the definitions docs/plan.md gives:
 *
 * - admin-equivalent access: either
 *   `all-actions`: at least 90% of the catalog's actions are allowed (conditionally or not), which
 *   is what `"Action": "*"` on `"Resource": "*"` leaves after guardrails deny a few; or
 *   `identity-control`: every IAM action of access level Permissions management, and
 *   `sts:AssumeRole`, on every resource: whoever can write any policy on any role and assume
 *   roles can give themselves everything else;
 * - privilege escalation: one of the rules below (all its actions allowed), which lets a principal
 *   obtain permissions it was not given. A rule marked `everywhere` counts only when its actions
 *   are allowed on every resource (`sts:AssumeRole` on `*`, not on one named role).
 */
import type { Catalog } from '../catalog/catalog.ts';
import { catalogActionIndex } from './catalog-action-index.ts';
import { findPosition, type EffectiveAccess } from './evaluate-effective-access.ts';

export interface EscalationRule {
  readonly id: string;
  /** catalog names; the rule holds when every one is allowed */
  readonly actions: readonly string[];
  /** the rule holds only when the actions are allowed on every resource */
  readonly everywhere: boolean;
  /** how the access is turned into more access */
  readonly why: string;
}

const rule = (id: string, actions: readonly string[], why: string, everywhere = false): EscalationRule => ({ id, actions, why, everywhere });

export const ESCALATION_RULES: readonly EscalationRule[] = [
  rule('pass-role', ['iam:PassRole'], 'hand a role to a service, which then acts with the role’s permissions'),
  rule('put-user-policy', ['iam:PutUserPolicy'], 'write any inline policy on a user'),
  rule('put-group-policy', ['iam:PutGroupPolicy'], 'write any inline policy on a group'),
  rule('put-role-policy', ['iam:PutRolePolicy'], 'write any inline policy on a role'),
  rule('attach-user-policy', ['iam:AttachUserPolicy'], 'attach any managed policy to a user'),
  rule('attach-group-policy', ['iam:AttachGroupPolicy'], 'attach any managed policy to a group'),
  rule('attach-role-policy', ['iam:AttachRolePolicy'], 'attach any managed policy to a role'),
  rule('create-policy-version', ['iam:CreatePolicyVersion'], 'rewrite a managed policy that is already attached'),
  rule('set-default-policy-version', ['iam:SetDefaultPolicyVersion'], 'switch a managed policy to an older, broader version'),
  rule('create-access-key', ['iam:CreateAccessKey'], 'mint long-lived credentials for another user'),
  rule('create-login-profile', ['iam:CreateLoginProfile'], 'give another user a console password'),
  rule('update-login-profile', ['iam:UpdateLoginProfile'], 'reset another user’s console password'),
  rule('update-assume-role-policy', ['iam:UpdateAssumeRolePolicy'], 'let oneself assume a role by rewriting its trust policy'),
  rule('add-user-to-group', ['iam:AddUserToGroup'], 'join a group that has more permissions'),
  rule('delete-role-permissions-boundary', ['iam:DeleteRolePermissionsBoundary'], 'lift the permissions boundary off a role'),
  rule('put-role-permissions-boundary', ['iam:PutRolePermissionsBoundary'], 'replace a role’s permissions boundary with a looser one'),
  rule('assume-any-role', ['sts:AssumeRole'], 'assume any role whose trust policy lets the account in', true),
  rule('lambda-update-code-with-pass-role', ['lambda:UpdateFunctionCode', 'iam:PassRole'], 'run one’s own code as a function’s role'),
  rule('lambda-create-with-pass-role', ['lambda:CreateFunction', 'lambda:InvokeFunction', 'iam:PassRole'], 'run one’s own code as any passable role'),
  rule('ec2-run-with-pass-role', ['ec2:RunInstances', 'iam:PassRole'], 'start an instance with any passable role and read its credentials'),
  rule('cloudformation-create-with-pass-role', ['cloudformation:CreateStack', 'iam:PassRole'], 'have CloudFormation create anything a passable role may'),
];

/** at least this share of the catalog's actions makes access admin-equivalent (`all-actions`) */
export const ADMIN_SHARE = 0.9;

export type AdminCriterion = 'all-actions' | 'identity-control';

export interface AccessCriteria {
  readonly catalogSize: number;
  /** IAM actions of access level Permissions management, and sts:AssumeRole */
  readonly identityControl: readonly string[];
  /** every action a rule or `identity-control` looks at, decided on every resource too: catalog name → position */
  readonly watched: ReadonlyMap<string, number>;
}

export function accessCriteria(catalog: Catalog): AccessCriteria {
  const index = catalogActionIndex(catalog);
  const catalogSize = index.actions.length;
  const identityControl = [
    ...catalog.actionsOf('iam').filter((info) => info.accessLevel === 'Permissions management').map((info) => info.action),
    ...(catalog.findAction('sts:AssumeRole') !== undefined ? ['sts:AssumeRole'] : []),
  ];
  // the rules are written in the catalog's spelling; an action the catalog lacks can never be allowed
  const ruleActions = ESCALATION_RULES.flatMap((r) => r.actions).map((a) => catalog.findAction(a)?.action ?? a);
  const watched = new Map(
    [...new Set([...identityControl, ...ruleActions])].flatMap((a) => {
      const i = index.indexOf(a);
      return i === undefined ? [] : [[a, i] as const];
    }),
  );
  return { catalogSize, identityControl, watched };
}

/** how the access is admin-equivalent, or undefined */
export function adminCriterion(access: EffectiveAccess, criteria: AccessCriteria): AdminCriterion | undefined {
  if (access.positions.length >= ADMIN_SHARE * criteria.catalogSize) return 'all-actions';
  if (criteria.identityControl.length > 0 && criteria.identityControl.every((a) => access.everywhere.has(a))) return 'identity-control';
  return undefined;
}

export function ruleHolds(rule: EscalationRule, access: EffectiveAccess, criteria: AccessCriteria): boolean {
  return rule.actions.every((a) => {
    if (rule.everywhere) return access.everywhere.has(a);
    const i = criteria.watched.get(a);
    return i !== undefined && findPosition(access, i) !== -1;
  });
}
