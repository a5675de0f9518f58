/**
 * The tables as Kysely sees them. One schema for both dialects (src/store/migrations.ts creates
 * it): only types both SQLite and PostgreSQL store the same way, so a row reads back identically on
 * either. Times are ISO 8601 UTC text (sortable, the same bytes on both); JSON documents are text,
 * so the bytes a hash was computed over are the bytes kept.
 */
import type { Generated } from 'kysely';

export interface Database {
  readonly config_versions: ConfigVersionsTable;
  readonly signing_keys: SigningKeysTable;
  readonly credentials: CredentialsTable;
  readonly revocations: RevocationsTable;
  readonly bootstrap_tokens: BootstrapTokensTable;
  readonly device_logins: DeviceLoginsTable;
  readonly scim_users: ScimUsersTable;
  readonly scim_groups: ScimGroupsTable;
  readonly scim_memberships: ScimMembershipsTable;
  readonly scim_user_values: ScimUserValuesTable;
  readonly scim_tokens: ScimTokensTable;
  readonly scim_changes: ScimChangesTable;
  readonly scim_directory_version: ScimDirectoryVersionTable;
  readonly audit_events: AuditEventsTable;
  readonly audit_checkpoints: AuditCheckpointsTable;
  readonly aws_web_identity_tokens: AwsWebIdentityTokensTable;
  readonly aws_revocation_deliveries: AwsRevocationDeliveriesTable;
  readonly audit_nodes: AuditNodesTable;
}

/** web identity tokens issued for AWS (src/store/aws-sessions.ts); never the token itself */
export interface AwsWebIdentityTokensTable {
  readonly jti: string;
  readonly subject: string;
  /** the sign-in credential it was issued to */
  readonly parent: string | null;
  readonly account_id: string;
  readonly permission_set: string;
  readonly role_session_name: string;
  readonly issued_at: string;
  /** the token's `exp` */
  readonly expires_at: string;
  /** when every AWS session made with it has ended: exp, AWS's tolerance and the longest session */
  readonly sessions_end_at: string;
}

/** how far a revocation (revocations.id) has reached AWS */
export interface AwsRevocationDeliveriesTable {
  readonly revocation_id: number;
  /** `pending` (retried), `done` (the denies are in AWS), `nothing` (no AWS session to revoke) */
  readonly state: string;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly next_attempt_at: string;
  readonly updated_at: string;
}

/** users pushed by a SCIM client (src/store/scim-users.ts) */
export interface ScimUsersTable {
  readonly id: string;
  readonly external_id: string | null;
  readonly user_name: string;
  /** the userName lower-cased: what uniqueness is checked on */
  readonly user_name_key: string;
  /** 1 or 0 */
  readonly active: number;
  /** the rest of the resource (name, emails, the enterprise extension, …) as JSON text */
  readonly document: string;
  /** 1, 2, 3, …: the ETag's source; every change increments it */
  readonly version: number;
  readonly created_at: string;
  readonly modified_at: string;
}

export interface ScimGroupsTable {
  readonly id: string;
  readonly external_id: string | null;
  readonly display_name: string;
  readonly display_name_key: string;
  readonly document: string;
  readonly version: number;
  readonly created_at: string;
  readonly modified_at: string;
}

/** every leaf value of a user's document, for filters in SQL (src/store/scim-query.ts) */
export interface ScimUserValuesTable {
  readonly user_id: string;
  readonly attribute: string;
  readonly item: number;
  readonly sub: string;
  readonly kind: string;
  readonly value: string;
  readonly value_key: string;
}

export interface ScimMembershipsTable {
  readonly group_id: string;
  readonly user_id: string;
}

export interface ScimTokensTable {
  readonly id: string;
  readonly name: string;
  /** `sha256:` and the hex SHA-256 of the token: the token itself is never stored */
  readonly token_hash: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/** every SCIM change, with the token that made it (the audit trail's source) */
export interface ScimChangesTable {
  readonly id: string;
  readonly at: string;
  readonly token_id: string;
  readonly resource_type: string;
  readonly resource_id: string;
  readonly operation: string;
  /** JSON text: what changed, briefly */
  readonly detail: string;
}

/** one row (id 1): incremented by every SCIM change, in the change's transaction */
export interface ScimDirectoryVersionTable {
  readonly id: number;
  readonly version: number;
}

/** the audit log (src/store/audit-log.ts) */
export interface AuditEventsTable {
  /** 0, 1, 2, … with no gaps: the event's position in the Merkle tree */
  readonly idx: number;
  /** the event as RFC 8785 canonical JSON */
  readonly event: string;
  /** base64 RFC 9162 leaf hash of `{ index, event }` */
  readonly leaf_hash: string;
  /** copied from the event for search */
  readonly time: string;
  readonly principal: string;
  readonly type: string;
}

export interface AuditCheckpointsTable {
  readonly size: number;
  /** base64 tree head */
  readonly root: string;
  /** the checkpoint as a C2SP signed note */
  readonly note: string;
  /** JSON `{ sizes, hashes }` of the tree's perfect subtrees at this size, to continue from */
  readonly frontier: string;
  readonly created_at: string;
}

/** device-code sign-ins (src/store/device-logins.ts) */
export interface DeviceLoginsTable {
  readonly user_code: string;
  /** SHA-256 of the device code, hex: the code itself, a bearer secret until used, is never stored */
  readonly device_code_hash: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly status: 'pending' | 'approved' | 'consumed';
  readonly user_name: string | null;
  /** seconds since the epoch */
  readonly auth_time: number | null;
  readonly mfa_time: number | null;
}

export interface ConfigVersionsTable {
  /** 1, 2, 3, … with no gaps: the primary key is what makes two concurrent appends collide */
  readonly version: number;
  readonly hash: string;
  readonly author: string;
  readonly applied_at: string;
  readonly snapshot: string;
  readonly plan_report: string;
  /** what the applier said about the change; null when nothing */
  readonly message: string | null;
}

export interface BootstrapTokensTable {
  /** `sha256:` and the hex SHA-256 of the token: the token itself is never stored */
  readonly token_hash: string;
  readonly created_at: string;
  /** set by the apply that used it, in the same transaction as that apply's append */
  readonly consumed_at: string | null;
}

export interface SigningKeysTable {
  readonly kid: string;
  /** 1, 2, 3, …: unique, so of two processes rotating at once exactly one inserts the next key */
  readonly generation: number;
  /** the public JWK, as JSON text */
  readonly public_jwk: string;
  /** the private JWK, AES-256-GCM under the key encryption key (ciphertext and tag), base64 */
  readonly private_jwk_encrypted: string;
  /** the 12-byte GCM nonce, base64 */
  readonly nonce: string;
  readonly created_at: string;
  /** from when it signs: published before it is used, so every verifier knows it first */
  readonly signing_from: string;
  /** until when it stays in the JWKS; null while it is the newest key */
  readonly published_until: string | null;
}

export interface CredentialsTable {
  /** the credential's `jti` */
  readonly jti: string;
  /** the user (an e-mail address), or `service-account:NAME` */
  readonly subject: string;
  readonly use: string;
  /** session credentials: the account id and the permission set */
  readonly account: string | null;
  readonly permission_set: string | null;
  /** the sign-in credential a session was made from */
  readonly parent: string | null;
  readonly issued_at: string;
  readonly expires_at: string;
  readonly revoked_at: string | null;
  readonly revoked_by: string | null;
}

export interface RevocationsTable {
  /** increasing: each process reads the revocations after the last id it has seen */
  readonly id: Generated<number>;
  /** `credential`: one credential (and the sessions made from it); `subject`: every credential of a user issued at or before `issued_before` */
  readonly kind: string;
  readonly credential_id: string | null;
  readonly subject: string | null;
  readonly issued_before: string | null;
  /** when the revoked credential expires anyway: after that the revocation need not be kept in memory */
  readonly expires_at: string | null;
  readonly revoked_by: string;
  readonly revoked_at: string;
}

/** the audit log's interior nodes (src/store/audit-log.ts, migration 0220-audit-nodes) */
export interface AuditNodesTable {
  /** index * 64 + level: the perfect subtree of 2^level leaves from leaf index * 2^level (level >= 1); PostgreSQL's bigint reads back as text */
  readonly node: number | string;
  /** base64 RFC 9162 hash of the subtree */
  readonly hash: string;
}
