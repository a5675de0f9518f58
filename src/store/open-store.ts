/**
 * Opens the store the options name: the composition roots (the server's main, the CLI) call this,
 * and nothing else reaches into ./adapters/. It does not migrate: the server runs `migrate()` at
 * start, so a tool that only reads never changes the schema.
 */
import { openPostgresStore } from './adapters/open-postgres-store.ts';
import { openSqliteStore } from './adapters/open-sqlite-store.ts';
import type { Store, StoreOptions } from './store.ts';

export async function openStore(options: StoreOptions): Promise<Store> {
  switch (options.kind) {
    case 'sqlite':
      return openSqliteStore(options.file);
    case 'postgres':
      return openPostgresStore(options.url);
    default: {
      const unknown: never = options;
      return unknown;
    }
  }
}
