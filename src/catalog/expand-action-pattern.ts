import type { ActionInfo, Catalog } from './catalog.ts';
import { hasWildcard, memoize } from '../policy/index.ts';
import { compileActionPattern } from './compile-action-pattern.ts';

const expansions = new WeakMap<Catalog, (lowerCasedPattern: string) => readonly ActionInfo[]>();

/**
 * The known actions an IAM action pattern (`ec2:Describe*`, `s3:Get?bject`, `*`) matches, in
 * catalog order (by service, then by name). Results are cached per catalog and shared: frozen.
 */
export function expandActionPattern(catalog: Catalog, pattern: string): readonly ActionInfo[] {
  let expandCached = expansions.get(catalog);
  if (expandCached === undefined) {
    expandCached = memoize((key: string): readonly ActionInfo[] => Object.freeze(expand(catalog, key)), 1024);
    expansions.set(catalog, expandCached);
  }
  return expandCached(pattern.toLowerCase());
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
