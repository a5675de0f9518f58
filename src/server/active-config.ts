/**
 * The configuration a server process decides with: the newest stored version, parsed once per
 * version. Every process of a deployment reads the same database, so `refresh` (run at start and
 * then every `pollMilliseconds`) is how an apply made through one process reaches all of them.
 * The directory is the configuration's combined with the SCIM store (scim-directory-source.ts):
 * `refresh` also reads the store's directory version (one row) and, when a SCIM change moved it,
 * rebuilds the directory, so a SCIM change reaches every process within one poll too.
 * A stored version was valid when it was applied; if it no longer parses (a newer Parapet reading
 * an older format), the process keeps no configuration and decides nothing: it fails closed and
 * says so in /readyz.
 */
import { configDirectory, parseConfig, type Directory, type OrgConfig } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import { activeConfigVersion, scimDirectoryVersion, type ConfigVersion, type Store } from '../store/index.ts';
import { filesOfSnapshot } from './config-snapshot.ts';
import { loadServerDirectory } from './scim-directory-source.ts';

export interface ActiveConfiguration {
  readonly version: number;
  readonly hash: string;
  readonly author: string;
  readonly appliedAt: string;
  readonly message?: string | undefined;
  readonly config: OrgConfig;
  readonly directory: Directory;
  /** the SCIM directory version the directory was read at (0: nothing pushed yet) */
  readonly directoryVersion: number;
}

export interface ActiveConfigSource {
  /** the configuration in force; undefined before the first apply */
  current(): ActiveConfiguration | undefined;
}

export interface ActiveConfigHolder extends ActiveConfigSource {
  /** reads the newest version if it is newer than the one held; true when it changed */
  refresh(): Promise<boolean>;
  /** why the newest stored version could not be loaded, if it could not */
  readonly loadError: string | undefined;
}

/** a stored version parsed, with the configuration's own directory (no SCIM) */
export function loadConfigVersion(version: ConfigVersion): ActiveConfiguration {
  const parsed = parseConfig(filesOfSnapshot(version.snapshot));
  if (!parsed.ok) {
    const first = parsed.issues.find((issue) => issue.severity === 'error');
    throw new ParapetError('internal', `stored configuration version ${version.version} no longer validates: ${first?.message ?? 'unknown issue'}`);
  }
  return {
    version: version.version,
    hash: version.hash,
    author: version.author,
    appliedAt: version.appliedAt,
    ...(version.message === undefined ? {} : { message: version.message }),
    config: parsed.value,
    directory: configDirectory(parsed.value),
    directoryVersion: 0,
  };
}

export function createActiveConfigHolder(store: Store): ActiveConfigHolder {
  let active: ActiveConfiguration | undefined;
  let loadError: string | undefined;
  let failedVersion: number | undefined;
  let queue: Promise<boolean> = Promise.resolve(false);
  return {
    current: () => active,
    get loadError() {
      return loadError;
    },
    refresh() {
      // one refresh at a time: a route refreshing after its own SCIM change and the poll must not
      // interleave, or an older read could replace a newer one
      const run = queue.then(refreshOnce, refreshOnce);
      queue = run;
      return run;
    },
  };

  async function refreshOnce(): Promise<boolean> {
    // only the numbers first: the snapshot is read when it is a new version, the directory when SCIM changed it
    const newest = await store.db.selectFrom('config_versions').select((eb) => eb.fn.max('version').as('newest')).executeTakeFirstOrThrow();
    const number = newest.newest ?? 0;
    let next = active;
    let changed = false;
    if (number !== 0 && number !== active?.version && number !== failedVersion) {
      const version = await activeConfigVersion(store);
      if (version !== undefined) {
        changed = true;
        try {
          next = loadConfigVersion(version);
          loadError = undefined;
          failedVersion = undefined;
        } catch (error) {
          active = undefined;
          failedVersion = version.version;
          loadError = (error as Error).message;
          return true;
        }
      }
    }
    if (next === undefined) return false;
    const directoryVersion = await scimDirectoryVersion(store);
    if (changed || directoryVersion !== active?.directoryVersion) {
      const loaded = await loadServerDirectory(store, next.config);
      active = { ...next, directory: loaded.directory, directoryVersion: loaded.version };
      return true;
    }
    return false;
  }
}
