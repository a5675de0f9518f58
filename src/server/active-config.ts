/**
 * The configuration a server process decides with: the newest stored version, parsed once per
 * version. Every process of a deployment reads the same database, so `refresh` (run at start and
 * then every `pollMilliseconds`) is how an apply made through one process reaches all of them.
 * A stored version was valid when it was applied; if it no longer parses (a newer Parapet reading
 * an older format), the process keeps no configuration and decides nothing: it fails closed and
 * says so in /readyz.
 */
import { configDirectory, parseConfig, type Directory, type OrgConfig } from '../org/index.ts';
import { ParapetError } from '../policy/index.ts';
import { activeConfigVersion, type ConfigVersion, type Store } from '../store/index.ts';
import { filesOfSnapshot } from './config-snapshot.ts';

export interface ActiveConfiguration {
  readonly version: number;
  readonly hash: string;
  readonly author: string;
  readonly appliedAt: string;
  readonly message?: string | undefined;
  readonly config: OrgConfig;
  readonly directory: Directory;
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
  };
}

export function createActiveConfigHolder(store: Store): ActiveConfigHolder {
  let active: ActiveConfiguration | undefined;
  let loadError: string | undefined;
  let failedVersion: number | undefined;
  return {
    current: () => active,
    get loadError() {
      return loadError;
    },
    async refresh() {
      // only the number first: the snapshot is read when it is a new version
      const newest = await store.db.selectFrom('config_versions').select((eb) => eb.fn.max('version').as('newest')).executeTakeFirstOrThrow();
      const number = newest.newest ?? 0;
      if (number === 0 || number === active?.version || number === failedVersion) return false;
      const version = await activeConfigVersion(store);
      if (version === undefined) return false;
      try {
        active = loadConfigVersion(version);
        loadError = undefined;
        failedVersion = undefined;
      } catch (error) {
        active = undefined;
        failedVersion = version.version;
        loadError = (error as Error).message;
      }
      return true;
    },
  };
}
