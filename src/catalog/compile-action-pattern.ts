import { boundedCache } from './bounded-cache.ts';

/** tests a `service:Action` name against one IAM action pattern */
export type ActionMatcher = (action: string) => boolean;

const compiled = boundedCache<string, ActionMatcher>(4096);

/**
 * IAM action patterns are case-insensitive; `*` matches any run of characters (`:` included, so
 * `*` alone matches every action) and `?` exactly one. Matching is linear-time backtracking to the
 * last `*`, not a regular expression, so a pattern like `*a*a*a*a*b` cannot make it slow.
 */
export function compileActionPattern(pattern: string): ActionMatcher {
  const key = pattern.toLowerCase();
  let matcher = compiled.get(key);
  if (matcher === undefined) {
    matcher = compile(key);
    compiled.set(key, matcher);
  }
  return matcher;
}

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

function compile(pattern: string): ActionMatcher {
  if (!hasWildcard(pattern)) return (action) => action.toLowerCase() === pattern;
  if (/^\*+$/.test(pattern)) return () => true;
  const firstStar = pattern.indexOf('*');
  if (!pattern.includes('?') && firstStar === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (action) => action.toLowerCase().startsWith(prefix);
  }
  return (action) => matchGlob(pattern, action.toLowerCase());
}

function matchGlob(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let starText = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      starText = t;
    } else if (c !== undefined && (c === '?' || c === text[t])) {
      p++;
      t++;
    } else if (star >= 0) {
      // let the last `*` swallow one more character and retry from just after it
      p = star + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
