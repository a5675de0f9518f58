import type { ActionInfo, Catalog } from './catalog.ts';
import { type BoundedCache, boundedCache } from './bounded-cache.ts';
import { hasWildcard } from '../policy/index.ts';
import { compileActionPattern } from './compile-action-pattern.ts';

const expansions = new WeakMap<Catalog, BoundedCache<string, readonly ActionInfo[]>>();

/**
 * The known actions an IAM action pattern (`ec2:Describe*`, `s3:Get?bject`, `*`) matches, in
 * catalog order (by service, then by name). Results are cached per catalog and shared: frozen.
 */
export function expandActionPattern(catalog: Catalog, pattern: string): readonly ActionInfo[] {
  let cache = expansions.get(catalog);
  if (cache === undefined) {
    cache = boundedCache(1024);
    expansions.set(catalog, cache);
  }
  const key = pattern.toLowerCase();
  let result = cache.get(key);
  if (result === undefined) {
    result = Object.freeze(expand(catalog, key));
    cache.set(key, result);
  }
  return result;
}

function expand(catalog: Catalog, pattern: string): ActionInfo[] {
  const matches = compileActionPattern(pattern);
  const colon = pattern.indexOf(':');
  const service = colon === -1 ? pattern : pattern.slice(0, colon);
  if (!hasWildcard(service)) {
    // a literal service narrows the search to one service; without a `:` nothing can match
    return colon === -1 ? [] : catalog.actionsOf(service).filter((info) => matches(info.action));
  }
  return catalog.services().flatMap((prefix) => catalog.actionsOf(prefix).filter((info) => matches(info.action)));
}
