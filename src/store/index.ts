/**
 * Storage: the Kysely schema and migrations, one adapter surface over SQLite (embedded, the
 * default) and PostgreSQL (several server processes), and the repositories the server's use cases
 * call. The same behavioural suite (store.test.ts) runs on both databases.
 */
export type { Store, StoreKind, StoreOptions } from './store.ts';
export type { Database } from './database.ts';
export { openStore } from './open-store.ts';
export { openSqliteAuditAppender, type SqliteAuditAppender } from './adapters/sqlite-audit-appender.ts';
export { redactDatabaseUrl } from './adapters/open-postgres-store.ts';
export { MIGRATION_NAMES } from './migrations.ts';
export {
  appendConfigVersion,
  activeConfigVersion,
  getConfigVersion,
  listConfigVersions,
  MAX_LIST_LIMIT,
  type AppendConfigVersion,
  type ConfigVersion,
  type ConfigVersionSummary,
  type ListConfigVersions,
} from './config-versions.ts';
export {
  approveDeviceLogin,
  createDeviceLogin,
  deleteExpiredDeviceLogins,
  isDeviceLoginPending,
  pollDeviceLogin,
  type DeviceLoginApproval,
  type DeviceLoginPoll,
  type NewDeviceLogin,
} from './device-logins.ts';
export { listPublishedSigningKeys, addSigningKey, type AddSigningKey, type StoredSigningKey } from './signing-keys.ts';
export { recordCredential, findCredential, listLiveCredentials, MAX_LIVE_CREDENTIALS, type IssuedCredential } from './credentials.ts';
export { appendRevocation, revocationsAfter, liveRevocations, findRevocation, revocationsOf, REVOCATION_PAGE, type NewRevocation, type Revocation } from './revocations.ts';
export { storeBootstrapToken, isBootstrapTokenUsable } from './bootstrap-tokens.ts';
export {
  createScimUser,
  getScimUser,
  listScimUsers,
  queryScimUsers,
  queryScimGroups,
  type ScimPage,
  updateScimUser,
  deleteScimUser,
  groupIdsOfScimUser,
  scimUserNames,
  createScimGroup,
  getScimGroup,
  updateScimGroup,
  deleteScimGroup,
  listScimChanges,
  type ScimActor,
  type NewScimUser,
  type StoredScimUser,
  type NewScimGroup,
  type StoredScimGroup,
  type ScimGroupChange,
  type ScimUserQuery,
} from './scim-directory.ts';
export { scimValueRows, type ScimListOptions, type ScimValueRow } from './scim-query.ts';
export { readScimDirectory, scimDirectoryVersion, scimGroupsOfUsers, type ScimUserGroup, type DirectoryRead, type DirectoryReadGroup, type DirectoryReadUser, type DirectorySelection } from './scim-directory-read.ts';
export { storeScimToken, findScimToken, listScimTokens, revokeScimToken, type ScimToken } from './scim-tokens.ts';
export {
  appendAuditEvents,
  appendCanonicalAuditEvents,
  auditCheckpointOfSize,
  auditConsistencyProof,
  auditInclusionProof,
  createAuditCheckpoint,
  exportAuditLog,
  latestAuditCheckpoint,
  type AppendedAuditEvents,
  type AuditExportSink,
  type AuditInclusionProof,
  type StoredCheckpoint,
} from './audit-log.ts';
export {
  recordAwsWebIdentityToken,
  liveAwsTokens,
  saveAwsRevocationDelivery,
  findAwsRevocationDelivery,
  pendingAwsRevocationDeliveries,
  dueAwsRevocationIds,
  type AwsWebIdentityTokenRecord,
  type AwsRevocationDelivery,
} from './aws-sessions.ts';
export { auditCheckpointNotes, auditLogSize, auditSearchQuery, readAuditEvents, searchAuditEvents, type AuditEventFilter, type AuditSearchPage, type AuditSearchPosition, type StoredAuditEvent } from './audit-search.ts';
