import { compileGlob, memoize } from '../policy/index.ts';

/** tests a `service:Action` name against one IAM action pattern */
export type ActionMatcher = (action: string) => boolean;

const compileLowerCased = memoize((key: string): ActionMatcher => {
  const matches = compileGlob(key);
  return (action) => matches(action.toLowerCase());
}, 4096);

/**
 * IAM action patterns are case-insensitive; `*` matches any run of characters (`:` included, so
 * `*` alone matches every action) and `?` exactly one. The engine's wildcard matcher (linear-time
 * backtracking to the last `*`, not a regular expression, so a pattern like `*a*a*a*a*b` cannot
 * make it slow) on lower-cased text, as the engine matches actions.
 */
export function compileActionPattern(pattern: string): ActionMatcher {
  return compileLowerCased(pattern.toLowerCase());
}
