/**
 * The tables as Kysely sees them. One schema for both dialects (src/store/migrations.ts creates
 * it): only types both SQLite and PostgreSQL store the same way, so a row reads back identically on
 * either. Times are ISO 8601 UTC text (sortable, the same bytes on both); JSON documents are text,
 * so the bytes a hash was computed over are the bytes kept.
 */
export interface Database {
  readonly config_versions: ConfigVersionsTable;
  readonly bootstrap_tokens: BootstrapTokensTable;
  readonly device_logins: DeviceLoginsTable;
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
