/**
 * Stores a configuration folder as the active version of a test server, through the store's own
 * append and the holder's refresh: what an apply does once it has validated, without the apply
 * route (tests of other endpoints need a configuration in force, not the apply flow).
 */
import { readConfigDir } from '../org/index.ts';
import { appendConfigVersion } from '../store/index.ts';
import { configSnapshot } from './config-snapshot.ts';
import type { ServerContext } from './server-context.ts';

export const EXAMPLE_CONFIG_DIR = new URL('../../examples/acme/', import.meta.url).pathname;

export async function applyTestConfig(context: ServerContext, dir: string = EXAMPLE_CONFIG_DIR): Promise<number> {
  const { snapshot, hash } = configSnapshot(readConfigDir(dir));
  const version = await appendConfigVersion(context.store, { hash, author: 'test', appliedAt: context.clock(), snapshot, planReport: '{}' });
  await context.config.refresh();
  return version;
}
