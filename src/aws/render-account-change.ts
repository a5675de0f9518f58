/** one change of a member account's IAM in words, for `parapet aws plan` and apply's report */
import type { AccountChange } from './account-change.ts';

export function describeAccountChange(change: AccountChange): string {
  switch (change.kind) {
    case 'create-oidc-provider':
      return `create OpenID Connect provider ${code(change.url)} (audience ${change.audiences.map(code).join(', ')})`;
    case 'add-oidc-audience':
      return `add audience ${code(change.audience)} to OpenID Connect provider ${code(change.provider)}`;
    case 'create-managed-policy':
      return `create managed policy ${code(change.name)} for permission set ${code(change.permissionSet)}`;
    case 'update-managed-policy':
      return `update managed policy ${code(change.policy)}: new document${change.deleteVersion !== undefined ? ` (deleting its oldest version ${code(change.deleteVersion)})` : ''}`;
    case 'create-role':
      return `create role ${role(change.role)}: session up to ${duration(change.maxSessionDuration)}${change.boundary !== undefined ? `, boundary ${code(change.boundary)}` : ''}, trusted by ${subjectsOf(change.trustPolicy)}`;
    case 'tag-role':
      return `tag role ${role(change.role)}: ${Object.entries(change.tags).map(([k, v]) => `${code(k)} = ${code(v)}`).join(', ')}`;
    case 'update-trust-policy':
      return `update the trust policy of role ${role(change.role)}: trusted by ${subjectsOf(change.trustPolicy)}`;
    case 'update-session-duration':
      return `change the session duration of role ${role(change.role)} from ${duration(change.from)} to ${duration(change.to)}`;
    case 'set-boundary':
      return `set the permissions boundary of role ${role(change.role)} to ${code(change.boundary)}${change.from !== undefined ? ` (was ${code(change.from)})` : ''}`;
    case 'put-inline-policy':
      return `${change.isNew ? 'add' : 'update'} inline policy ${code(change.name)} of role ${role(change.role)}`;
    case 'attach-managed-policy':
      return `attach ${code(change.policy)} to role ${role(change.role)}`;
    case 'remove-boundary':
      return `remove the permissions boundary ${code(change.boundary)} of role ${role(change.role)}`;
    case 'detach-managed-policy':
      return `detach ${code(change.policy)} from role ${role(change.role)}`;
    case 'delete-inline-policy':
      return `delete inline policy ${code(change.name)} of role ${role(change.role)}`;
    case 'delete-role':
      return `delete role ${role(change.role)} (managed by Parapet, no longer assigned here)`;
    case 'delete-managed-policy':
      return `delete managed policy ${code(change.policy)} (managed by Parapet, no longer used)`;
    case 'delete-oidc-provider':
      return `delete OpenID Connect provider ${code(change.provider)} (made by Parapet, no longer used)`;
    default: {
      const unknown: never = change;
      return String(unknown);
    }
  }
}

function role(name: string): string {
  return code(`parapet/${name}`);
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}` || `${seconds}s`;
}

/** the `sub` values of a trust policy Parapet wrote, for people */
function subjectsOf(trustPolicy: string): string {
  try {
    const parsed = JSON.parse(trustPolicy) as { Statement?: { Condition?: { StringEquals?: Record<string, unknown>; StringLike?: Record<string, unknown> } }[] };
    const condition = parsed.Statement?.[0]?.Condition;
    const conditions = { ...condition?.StringEquals, ...condition?.StringLike };
    const sub = Object.entries(conditions).find(([key]) => key.endsWith(':sub'))?.[1];
    const list = Array.isArray(sub) ? sub.map(String) : typeof sub === 'string' ? [sub] : [];
    return list.map(code).join(', ') || 'nobody';
  } catch {
    return 'its new document';
  }
}

/** a Markdown code span; names are free text: a backtick in one must not end the code span */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
export { code as markdownCode };
