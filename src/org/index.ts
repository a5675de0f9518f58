/**
 * The organization model and guardrails as code: read and validate a configuration repository
 * (`parapet.yaml` and its policy files), and resolve each (principal, account, permission set) to
 * the policies in force. Format and validation codes: docs/config-reference.md.
 */
export type { ConfigIssue, ConfigIssueCode, Position } from './config-issue.ts';
export { repositoryPath } from './config-issue.ts';
export { VALIDATE_FORMAT, validateReport, validateReportJson, renderValidateText, type ValidateReport, type ConfigSummary } from './validate-report.ts';
export type {
  Account,
  Assignment,
  AuditSettings,
  GitHubActionsTrust,
  GuardrailDefinition,
  Group,
  GroupSync,
  Organization,
  OrgConfig,
  PermissionSet,
  PolicyFile,
  ServiceAccount,
  SourceLocation,
  Unit,
} from './org-config.ts';
export { parseConfig, type ConfigFiles, type ParseConfigOptions, type ParsedConfig } from './parse-config.ts';
export { CONFIG_FILE } from './read-config-shape.ts';
export { readConfigDir } from './read-config-dir.ts';
export { walkFolder, CONFIG_DIR_LIMITS, type WalkFolderOptions } from './walk-folder.ts';
export { readBoundedFile, describeFsError, formatBytes, MAX_FILE_BYTES, type InputKind } from './read-bounded-file.ts';
export { loadConfigDir } from './load-config-dir.ts';
export { ORGANIZATION_POLICY_MAX_CHARACTERS } from './load-policy-files.ts';
export { parseSessionDuration, MIN_SESSION_SECONDS, MAX_SESSION_SECONDS, DEFAULT_SESSION_DURATION } from './parse-session-duration.ts';
export { findAccount, unitsAbove } from './find-account.ts';
export { guardrailChain, resourceGuardrailChain, type GuardrailChain } from './guardrail-chain.ts';
export { groupsOfUser, assignmentsOf, listPrincipalAccess, type AccessEntry, type AccessMode, type HoldingSource } from './list-principal-access.ts';
export { parsePrincipalRef, formatPrincipalRef, PRINCIPAL_REF_KINDS, type PrincipalRef, type PrincipalRefKind, type ParsedPrincipalRef } from './principal-ref.ts';
export { checkPrincipal } from './check-principal.ts';
export type { Directory, UserAttributes } from './directory.ts';
export { configDirectory } from './config-directory.ts';
export { syncedDirectory, hasSyncedGroups, directoryGroupsOf, syncedGroupIssues } from './synced-directory.ts';
export { parseDirectorySnapshot, DIRECTORY_FORMAT, MAX_DIRECTORY_SNAPSHOT_BYTES, type DirectorySnapshot, type SnapshotUser, type SnapshotGroup } from './directory-snapshot.ts';
export { describeYamlNode } from './describe-yaml-node.ts';
export { didYouMean } from './did-you-mean.ts';
export { describeSuspiciousCharacters, showHiddenCharacters } from './check-name-characters.ts';
export { readYamlTree, formatYamlPath, type YamlEntry, type YamlList, type YamlMap, type YamlNode, type YamlPathSegment, type YamlScalar, type YamlTree } from './read-yaml-tree.ts';
export { readYamlMap, type YamlMapProblem } from './read-yaml-map.ts';
export {
  diffConfigs,
  unitPathName,
  STRUCTURAL_CHANGE_KINDS,
  type AccountFieldChange,
  type DigestChange,
  type GuardrailKind,
  type NodeRef,
  type OrganizationFieldChange,
  type StructuralChange,
  type GitHubTrustValue,
  type StructuralChangeKind,
} from './diff-configs.ts';
export type { StatementChange, StatementChangeKind, StatementDifferences, StatementOutline } from './diff-policy-statements.ts';
export {
  resolveAccess,
  type AccessQuery,
  type ResolvedAccess,
  type ResolvedAccessResult,
  type ResolvedPolicies,
  type ResolveIssue,
  type ResolveIssueCode,
} from './resolve-access.ts';
export { emptyOrgConfig } from './empty-org-config.ts';
