/**
 * A configuration that holds nothing: what the first configuration version is planned against
 * (everything in it is new). It keeps the organization's own settings (name, id, management
 * account) of the configuration it is compared with, so the plan reports the tree, the policies
 * and the access as added, not the organization as renamed.
 */
import type { Organization, OrgConfig } from './org-config.ts';

export function emptyOrgConfig(like: Organization): OrgConfig {
  return {
    organization: {
      ...like,
      root: { name: 'root', path: [], guardrails: [], resourceGuardrails: [], units: [], accounts: [], at: like.root.at },
    },
    guardrails: new Map(),
    resourceGuardrails: new Map(),
    permissionSets: new Map(),
    groups: new Map(),
    assignments: [],
    serviceAccounts: new Map(),
    accounts: new Map(),
  };
}
