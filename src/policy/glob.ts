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
  return compileGlobTokens(tokenizeGlob(pattern));
}

function compileGlobTokens(tokens: readonly GlobToken[]): TextMatcher {
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
export function matchResourceTokens(tokens: readonly GlobToken[], text: string, matchers: Map<string, TextMatcher>): boolean {
  if (!hasMidSegmentStar(tokens)) return matchTokens(tokens, text);
  // a pattern with policy variables is resolved, and lands here, for every request: the compiled
  // matcher of each resolved pattern is kept in the caller's `matchers` (bounded, as memoize.ts does)
  const key = tokens.map((t) => (t === STAR ? '*' : t === ONE ? '?' : `${t.length}:${t}`)).join('');
  let matcher = matchers.get(key);
  if (matcher === undefined) {
    if (matchers.size >= RESOURCE_MATCHER_LIMIT) matchers.clear();
    matcher = compileSegmentMatcher(tokens);
    matchers.set(key, matcher);
  }
  return matcher(text);
}

/** how many resolved resource patterns `matchResourceTokens` keeps compiled before it starts over */
const RESOURCE_MATCHER_LIMIT = 4096;

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
 * there), then the literals between them are looked for in order with indexOf, and only a text
 * that has them all is simulated: as bits of one integer when the middle has at most `maxBitItems`
 * items (shift-and: one step per character), else over several integers (one step per character
 * and 32 items). `meter`, when given, counts the work of every match.
 */
export function compileSegmentMatcher(tokens: readonly GlobToken[], maxBitItems = 30, meter?: WorkMeter): TextMatcher {
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
  // the literals between them, in order: a text that matches holds each, one after the other
  const pieces = tokens.slice(prefix === '' ? 0 : 1, end).filter((t): t is string => typeof t === 'string');
  const middle = items.length <= maxBitItems ? bitParallelMatcher(items, meter) : wideBitParallelMatcher(items, meter);
  // the leading literal as a regular expression without a quantifier (nothing to backtrack): V8
  // tests it faster than startsWith on a string built by concatenation, and flattens that string
  // once for the indexOf and charCodeAt calls after it
  const leading = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  return (text) => {
    if (text.length < prefix.length + suffix.length || !leading.test(text) || !text.endsWith(suffix)) return false;
    const to = text.length - suffix.length;
    // most texts that share the prefix lack one of the literals: found with indexOf, not simulated
    let at = prefix.length;
    for (const piece of pieces) {
      const found = text.indexOf(piece, at);
      if (meter !== undefined) meter.steps += scanned(text, at, found, piece);
      if (found < 0 || found + piece.length > to) return false;
      at = found + piece.length;
    }
    return middle(text, prefix.length, to);
  };
}

type MiddleMatcher = (text: string, from: number, to: number) => boolean;

/**
 * Bit k of the state: the first k items are matched. A literal or `?` at k moves bit k to k+1 on a
 * character it accepts; a `*` at k keeps bit k on a character it accepts, and bit k also sets bit
 * k+1 (a `*` matches nothing too; `**` was merged into one `*`, so one step of that suffices).
 */
function bitParallelMatcher(items: readonly number[], meter: WorkMeter | undefined): MiddleMatcher {
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
  // at a final `*` that crosses colons every rest of the text matches: stop there
  const settled = items[m - 1] === ANY_RUN ? 1 << (m - 1) : 0;
  return (text, from, to) => {
    let state = start;
    for (let i = from; i < to && state !== 0; ) {
      if ((state & settled) !== 0) return true;
      let cp = text.charCodeAt(i++);
      let moves: number;
      if (cp < 128) moves = ascii[cp]! | ones;
      else {
        // outside ASCII: one step per code point, a surrogate pair included
        if (cp >= 0xd800 && cp <= 0xdbff && i < to) {
          cp = text.codePointAt(i - 1)!;
          if (cp > 0xffff) i++;
        }
        moves = (literalMasks.get(cp) ?? 0) | ones;
      }
      const stays = cp === COLON ? anyRuns : stars;
      state = closed(((state & moves) << 1) | (state & stays));
      if (meter !== undefined) meter.steps++;
    }
    return (state & accept) !== 0;
  };
}

/**
 * The same shift-and over as many 32-bit words as the pattern needs (position k is bit k % 32 of
 * word k / 32; a shift carries bit 31 into the next word): O(text × pattern / 32) steps.
 */
function wideBitParallelMatcher(items: readonly number[], meter: WorkMeter | undefined): MiddleMatcher {
  const m = items.length;
  const words = (m >> 5) + 1;
  const ones = new Int32Array(words);
  const anyRuns = new Int32Array(words);
  const stars = new Int32Array(words);
  const ascii = new Int32Array(128 * words);
  const others = new Map<number, Int32Array>();
  items.forEach((item, k) => {
    const word = k >> 5;
    const bit = 1 << (k & 31);
    if (item === ANY_ONE) ones[word]! |= bit;
    else if (item === ANY_RUN) {
      anyRuns[word]! |= bit;
      stars[word]! |= bit;
    } else if (item === SEGMENT_RUN) stars[word]! |= bit;
    else if (item < 128) ascii[item * words + word]! |= bit;
    else {
      let masks = others.get(item);
      if (masks === undefined) others.set(item, (masks = new Int32Array(words)));
      masks[word]! |= bit;
    }
  });
  const none = new Int32Array(words);
  const acceptWord = m >> 5;
  const acceptBit = 1 << (m & 31);
  const settledWord = (m - 1) >> 5;
  const settledBit = items[m - 1] === ANY_RUN ? 1 << ((m - 1) & 31) : 0;
  let state = new Int32Array(words);
  let next = new Int32Array(words);
  // a `*` matches nothing too: bit k of a `*` sets bit k+1 (`**` was merged, so one step suffices)
  const close = (set: Int32Array) => {
    let carry = 0;
    for (let j = 0; j < words; j++) {
      const starting = set[j]! & stars[j]!;
      set[j] = set[j]! | (starting << 1) | carry;
      carry = starting >>> 31;
    }
  };
  return (text, from, to) => {
    state.fill(0);
    state[0] = 1;
    close(state);
    for (let i = from; i < to; ) {
      if ((state[settledWord]! & settledBit) !== 0) return true;
      let cp = text.charCodeAt(i++);
      if (cp >= 0xd800 && cp <= 0xdbff && i < to) {
        cp = text.codePointAt(i - 1)!;
        if (cp > 0xffff) i++;
      }
      const masks = cp < 128 ? ascii : (others.get(cp) ?? none);
      const base = cp < 128 ? cp * words : 0;
      const stays = cp === COLON ? anyRuns : stars;
      let carry = 0;
      let alive = 0;
      for (let j = 0; j < words; j++) {
        const moving = state[j]! & (masks[base + j]! | ones[j]!);
        const word = (moving << 1) | carry | (state[j]! & stays[j]!);
        carry = moving >>> 31;
        next[j] = word;
        alive |= word;
      }
      close(next);
      if (meter !== undefined) meter.steps += words;
      const done = state;
      state = next;
      next = done;
      if (alive === 0) return false;
    }
    return (state[acceptWord]! & acceptBit) !== 0;
  };
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
  return hasMidSegmentStar(tokens) ? compileSegmentMatcher(tokens) : compileGlobTokens(tokens);
}
