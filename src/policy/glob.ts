/**
 * IAM wildcard patterns: `*` matches any run of characters (including `/` and `:`), `?` exactly one.
 * A pattern is a list of tokens so that text substituted from a policy variable stays literal:
 * a user named `*` must not become a wildcard.
 */

export const STAR = 0;
export const ONE = 1;
export type GlobToken = string | typeof STAR | typeof ONE;

/** split pattern text into tokens; adjacent literal text is merged */
export function tokenizeGlob(text: string, into: GlobToken[] = []): GlobToken[] {
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 42 /* * */ && code !== 63 /* ? */) continue;
    if (i > start) pushLiteral(into, text.slice(start, i));
    start = i + 1;
    // `**` means the same as `*`
    if (code === 42 && into[into.length - 1] === STAR) continue;
    into.push(code === 42 ? STAR : ONE);
  }
  if (start < text.length) pushLiteral(into, start === 0 ? text : text.slice(start));
  return into;
}

export function pushLiteral(tokens: GlobToken[], text: string): void {
  if (text === '') return;
  const last = tokens.length - 1;
  const previous = tokens[last];
  if (typeof previous === 'string') tokens[last] = previous + text;
  else tokens.push(text);
}

/**
 * greedy match with backtracking to the last `*`; after a `*` the next literal is found with
 * indexOf rather than tried at every position
 */
export function matchTokens(tokens: readonly GlobToken[], text: string): boolean {
  const n = tokens.length;
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < text.length || ti < n) {
    if (ti < n) {
      const token = tokens[ti]!;
      if (token === STAR) {
        ti++;
        if (ti === n) return true;
        starTi = ti - 1;
        const next = tokens[ti]!;
        if (typeof next === 'string') {
          const at = text.indexOf(next, si);
          if (at < 0) return false;
          si = at;
        }
        starSi = si;
        continue;
      }
      if (token === ONE) {
        if (si < text.length) {
          // one character: a surrogate pair counts as one
          const code = text.charCodeAt(si);
          si += code >= 0xd800 && code <= 0xdbff && si + 1 < text.length ? 2 : 1;
          ti++;
          continue;
        }
      } else if (text.startsWith(token, si)) {
        ti++;
        si += token.length;
        continue;
      }
    }
    if (starTi < 0 || starSi >= text.length) return false;
    starSi++;
    si = starSi;
    ti = starTi + 1;
    const next = tokens[ti]!;
    if (typeof next === 'string') {
      const at = text.indexOf(next, si);
      if (at < 0) return false;
      si = starSi = at;
    }
  }
  return true;
}

/** a compiled matcher for a pattern with no variables, with fast paths for the common shapes */
export type TextMatcher = (text: string) => boolean;

export function compileGlob(pattern: string): TextMatcher {
  const tokens = tokenizeGlob(pattern);
  if (tokens.length === 1 && tokens[0] === STAR) return () => true;
  if (tokens.length === 0) return (text) => text === '';
  if (tokens.length === 1 && typeof tokens[0] === 'string') {
    const literal = tokens[0];
    return (text) => text === literal;
  }
  if (tokens.length === 2 && typeof tokens[0] === 'string' && tokens[1] === STAR) {
    const prefix = tokens[0];
    return (text) => text.startsWith(prefix);
  }
  return (text) => matchTokens(tokens, text);
}

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * Resource ARN patterns match segment by segment: "You can use wildcard characters (* and ?)
 * within the individual segments of an ARN (the parts separated by colons) ... If the * wildcard
 * is the last character of a resource ARN segment, it can expand to match beyond colon
 * boundaries" (reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
 * So a `*` followed by more of its own segment stops at colons; a `*` that ends a segment (before
 * a `:` or at the end) runs on. Most patterns have only the second kind and use the fast matcher.
 */
export function matchResourceTokens(tokens: readonly GlobToken[]): TextMatcher {
  if (!hasMidSegmentStar(tokens)) return (text) => matchTokens(tokens, text);
  const source = tokens
    .map((token, i) => {
      if (token === ONE) return '[\\s\\S]';
      if (token === STAR) return isMidSegment(tokens, i) ? '[^:]*' : '[\\s\\S]*';
      return token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const pattern = new RegExp(`^${source}$`, 'u');
  return (text) => pattern.test(text);
}

function isMidSegment(tokens: readonly GlobToken[], i: number): boolean {
  const next = tokens[i + 1];
  return next !== undefined && !(typeof next === 'string' && next.startsWith(':'));
}

function hasMidSegmentStar(tokens: readonly GlobToken[]): boolean {
  for (let i = 0; i < tokens.length; i++) if (tokens[i] === STAR && isMidSegment(tokens, i)) return true;
  return false;
}

/** a resource pattern without variables, compiled once */
export function compileResourcePattern(pattern: string): TextMatcher {
  const tokens = tokenizeGlob(pattern);
  return hasMidSegmentStar(tokens) ? matchResourceTokens(tokens) : compileGlob(pattern);
}
