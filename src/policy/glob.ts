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
 * Work done by a matcher, counted in steps (a character compared, a state visited), so tests can
 * assert the bound without timing anything.
 */
export interface WorkMeter {
  steps: number;
}

/**
 * Greedy match with backtracking to the last `*` only; after a `*` the next literal is found with
 * indexOf rather than tried at every position. Linear-time in the sense that matters: the restart
 * point of the last `*` only moves forward (reaching a later `*` never moves it back), so the whole
 * match is O(text × pattern) in the worst case, whatever the pattern; no regular expression, no
 * exponential backtracking. `meter`, when given, counts the work.
 */
export function matchTokens(tokens: readonly GlobToken[], text: string, meter?: WorkMeter): boolean {
  const n = tokens.length;
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < text.length || ti < n) {
    if (meter !== undefined) meter.steps++;
    if (ti < n) {
      const token = tokens[ti]!;
      if (token === STAR) {
        ti++;
        if (ti === n) return true;
        starTi = ti - 1;
        const next = tokens[ti]!;
        if (typeof next === 'string') {
          const at = text.indexOf(next, si);
          if (meter !== undefined) meter.steps += scanned(text, si, at, next);
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
      } else {
        if (meter !== undefined) meter.steps += token.length;
        if (text.startsWith(token, si)) {
          ti++;
          si += token.length;
          continue;
        }
      }
    }
    if (starTi < 0 || starSi >= text.length) return false;
    starSi++;
    si = starSi;
    ti = starTi + 1;
    const next = tokens[ti]!;
    if (typeof next === 'string') {
      const at = text.indexOf(next, si);
      if (meter !== undefined) meter.steps += scanned(text, si, at, next);
      if (at < 0) return false;
      si = starSi = at;
    }
  }
  return true;
}

/** the characters an indexOf from `from` looked at, at most: every start position times the literal */
function scanned(text: string, from: number, at: number, literal: string): number {
  return ((at < 0 ? text.length : at) - from + 1) * literal.length;
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
  return compileSegmentMatcher(tokens);
}

// the items of a segment-aware pattern: a code point (≥ 0), or one of these wildcards
const ANY_ONE = -1;
const ANY_RUN = -2;
const SEGMENT_RUN = -3;
const COLON = 58;

/**
 * A pattern with a `*` inside a segment cannot use the greedy matcher (a `*` that stops at colons
 * breaks its "the last `*` can absorb anything" argument), and a regular expression of `[^:]*`
 * groups backtracks exponentially (`a*a*a*a*a*b` against a long name runs for minutes). So it runs
 * as the set of pattern positions reached so far, advanced one code point at a time (Thompson's
 * simulation): O(text × pattern) steps in the worst case, never more.
 *
 * The leading and trailing literals are compared directly (most requests differ from a pattern
 * there), and only what lies between them is simulated: as bits of one integer when it has at most
 * `maxBitItems` items (shift-and: one step per character), else as a list of positions.
 */
export function compileSegmentMatcher(tokens: readonly GlobToken[], maxBitItems = 30): (text: string, meter?: WorkMeter) => boolean {
  const first = tokens[0];
  const prefix = typeof first === 'string' ? first : '';
  const lastToken = tokens[tokens.length - 1];
  const suffix = typeof lastToken === 'string' && tokens.length > 1 ? lastToken : '';
  const items: number[] = [];
  const end = tokens.length - (suffix === '' ? 0 : 1);
  for (let i = prefix === '' ? 0 : 1; i < end; i++) {
    const token = tokens[i]!;
    if (token === ONE) items.push(ANY_ONE);
    else if (token === STAR) {
      const kind = isMidSegment(tokens, i) ? SEGMENT_RUN : ANY_RUN;
      const last = items[items.length - 1];
      // two stars in a row (from a policy variable that resolved to nothing) are one: the wider
      if (last === ANY_RUN || last === SEGMENT_RUN) items[items.length - 1] = last === ANY_RUN ? ANY_RUN : kind;
      else items.push(kind);
    } else for (const c of token) items.push(c.codePointAt(0)!);
  }
  const middle = items.length <= maxBitItems ? bitParallelMatcher(items) : positionListMatcher(items);
  return (text, meter) => {
    if (text.length < prefix.length + suffix.length || !text.startsWith(prefix) || !text.endsWith(suffix)) return false;
    return middle(text, prefix.length, text.length - suffix.length, meter);
  };
}

type MiddleMatcher = (text: string, from: number, to: number, meter: WorkMeter | undefined) => boolean;

/**
 * Bit k of the state: the first k items are matched. A literal or `?` at k moves bit k to k+1 on a
 * character it accepts; a `*` at k keeps bit k on a character it accepts, and bit k also sets bit
 * k+1 (a `*` matches nothing too; `**` was merged into one `*`, so one step of that suffices).
 */
function bitParallelMatcher(items: readonly number[]): MiddleMatcher {
  const m = items.length;
  let ones = 0;
  let anyRuns = 0;
  let segmentRuns = 0;
  const literalMasks = new Map<number, number>();
  const ascii = new Int32Array(128);
  items.forEach((item, k) => {
    const bit = 1 << k;
    if (item === ANY_ONE) ones |= bit;
    else if (item === ANY_RUN) anyRuns |= bit;
    else if (item === SEGMENT_RUN) segmentRuns |= bit;
    else if (item < 128) ascii[item]! |= bit;
    else literalMasks.set(item, (literalMasks.get(item) ?? 0) | bit);
  });
  const stars = anyRuns | segmentRuns;
  const accept = 1 << m;
  const closed = (state: number) => state | ((state & stars) << 1);
  const start = closed(1);
  return (text, from, to, meter) => {
    let state = start;
    for (let i = from; i < to && state !== 0; ) {
      const cp = text.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      const moves = (cp < 128 ? ascii[cp]! : (literalMasks.get(cp) ?? 0)) | ones;
      const stays = cp === COLON ? anyRuns : stars;
      state = closed(((state & moves) << 1) | (state & stays));
      if (meter !== undefined) meter.steps++;
    }
    return (state & accept) !== 0;
  };
}

/** the same simulation with the positions in a list, for patterns too long for one integer */
function positionListMatcher(items: readonly number[]): MiddleMatcher {
  const m = items.length;
  let current = new Int32Array(m + 1);
  let next = new Int32Array(m + 1);
  // seen[k] === generation: position k is already in the set being built; the buffers are
  // allocated once per compiled pattern, which is safe as matching never calls out
  const seen = new Int32Array(m + 1);
  let generation = 0;
  const add = (set: Int32Array, count: number, k: number): number => {
    // a `*` matches nothing too: reaching it reaches the position after it
    for (;;) {
      if (seen[k] === generation) return count;
      seen[k] = generation;
      set[count++] = k;
      const item = items[k];
      if (item !== ANY_RUN && item !== SEGMENT_RUN) return count;
      k++;
    }
  };
  return (text, from, to, meter) => {
    generation = nextGeneration(generation, seen);
    let size = add(current, 0, 0);
    for (let i = from; i < to && size > 0; ) {
      const cp = text.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      generation = nextGeneration(generation, seen);
      let nextSize = 0;
      for (let s = 0; s < size; s++) {
        const k = current[s]!;
        if (k === m) continue;
        const item = items[k]!;
        if (item === ANY_RUN || (item === SEGMENT_RUN && cp !== COLON)) nextSize = add(next, nextSize, k);
        else if (item === ANY_ONE || item === cp) nextSize = add(next, nextSize, k + 1);
      }
      if (meter !== undefined) meter.steps += size + 1;
      const done = current;
      current = next;
      next = done;
      size = nextSize;
    }
    for (let s = 0; s < size; s++) if (current[s] === m) return true;
    return false;
  };
}

function nextGeneration(generation: number, seen: Int32Array): number {
  if (generation < 0x7fffffff) return generation + 1;
  seen.fill(0);
  return 1;
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
