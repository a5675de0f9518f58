/**
 * The tables as Kysely sees them. One schema for both dialects (src/store/migrations.ts creates
 * it): only types both SQLite and PostgreSQL store the same way, so a row reads back identically on
 * either. Times are ISO 8601 UTC text (sortable, the same bytes on both); JSON documents are text,
 * so the bytes a hash was computed over are the bytes kept.
 */
export interface Database {
  readonly config_versions: ConfigVersionsTable;
}

export interface ConfigVersionsTable {
  /** 1, 2, 3, … with no gaps: the primary key is what makes two concurrent appends collide */
  readonly version: number;
  readonly hash: string;
  readonly author: string;
  readonly applied_at: string;
  readonly snapshot: string;
  readonly plan_report: string;
}
