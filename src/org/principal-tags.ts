/**
 * The principal tags of a directory user's sessions (`aws:PrincipalTag/<key>`): none until the
 * configuration maps SCIM attributes to tags.
 */
import type { SnapshotUser } from './directory-snapshot.ts';
import type { OrgConfig } from './org-config.ts';

export function principalTagsOf(_config: OrgConfig, _user: SnapshotUser): Record<string, string> {
  return {};
}
