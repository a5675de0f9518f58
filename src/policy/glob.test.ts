import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileGlob, compileResourcePattern, compileSegmentMatcher, hasWildcard, matchTokens, pushLiteral, STAR, tokenizeGlob, type GlobToken, type WorkMeter } from './glob.ts';

/** the obvious reference: the pattern as an anchored regular expression */
function reference(pattern: string, text: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'u').test(text);
}

const patternArb = fc.array(fc.constantFrom('a', 'b', 'ab', '*', '?', ':', '/', 'arn:aws:s3:::'), { maxLength: 8 }).map((parts) => parts.join(''));
const textArb = fc.array(fc.constantFrom('a', 'b', ':', '/', 'ab', 'arn:aws:s3:::'), { maxLength: 10 }).map((parts) => parts.join(''));

describe('wildcard patterns', () => {
  test('matchTokens agrees with a regular expression on every pattern and text', () => {
    fc.assert(
      fc.property(patternArb, textArb, (pattern, text) => {
        assert.equal(matchTokens(tokenizeGlob(pattern), text), reference(pattern, text), `${pattern} ~ ${text}`);
        assert.equal(compileGlob(pattern)(text), reference(pattern, text));
      }),
      { numRuns: 5000 },
    );
  });
  test('resource patterns: a * inside a segment stops at colons, a * ending a segment runs on', () => {
    const segmentReference = (pattern: string, text: string) => {
      const source = [...pattern]
        .map((c, i) => {
          if (c === '?') return '[\\s\\S]';
          if (c !== '*') return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
          const next = pattern.slice(i + 1).replace(/^\*+/, '');
          return next === '' || next.startsWith(':') ? '[\\s\\S]*' : '[^:]*';
        })
        .join('');
      return new RegExp(`^${source}$`, 'u').test(text);
    };
    fc.assert(
      fc.property(patternArb, textArb, (pattern, text) => {
        assert.equal(compileResourcePattern(pattern)(text), segmentReference(pattern, text), `${pattern} ~ ${text}`);
      }),
      { numRuns: 5000 },
    );
    assert.equal(compileResourcePattern('arn:aws:logs:*:*:log-group:app*')('arn:aws:logs:us-east-1:1:log-group:app:log-stream:x'), true);
    assert.equal(compileResourcePattern('arn:aws:logs:*:*:log-group:app*x')('arn:aws:logs:us-east-1:1:log-group:app:log-stream:x'), false);
  });
  test('literal text pushed into a pattern never acts as a wildcard', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (literal, text) => {
        const tokens: GlobToken[] = [];
        pushLiteral(tokens, literal);
        assert.equal(matchTokens(tokens, text), literal === text);
      }),
    );
  });
  test('`?` is one character, even outside the basic plane', () => {
    assert.equal(matchTokens(tokenizeGlob('a?c'), 'a😀c'), true);
    assert.equal(matchTokens(tokenizeGlob('a??c'), 'a😀c'), false);
  });
});

/**
 * A second reference with no regular expression: the textbook recursion over (pattern position,
 * text position), memoised, on code points. `segments` gives a `*` followed by more of its own
 * ARN segment the "stops at colons" meaning.
 */
function recursiveReference(pattern: string, text: string, segments: boolean): boolean {
  const p = [...pattern];
  const t = [...text];
  const crosses = (i: number) => {
    let j = i + 1;
    while (p[j] === '*') j++;
    return !segments || j === p.length || p[j] === ':';
  };
  const memo = new Map<number, boolean>();
  const at = (i: number, j: number): boolean => {
    const key = i * (t.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === t.length;
    else if (p[i] === '*') result = at(i + 1, j) || (j < t.length && (crosses(i) || t[j] !== ':') && at(i, j + 1));
    else if (p[i] === '?') result = j < t.length && at(i + 1, j + 1);
    else result = j < t.length && t[j] === p[i] && at(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

describe('wildcard matching is bounded', () => {
  const wideText = fc.array(fc.constantFrom('a', 'b', ':', '/', '😀', 'arn:aws:s3:::'), { maxLength: 30 }).map((parts) => parts.join(''));
  const widePattern = fc.array(fc.constantFrom('a', 'b', ':', '/', '😀', '*', '**', '?', 'arn:aws:s3:::'), { maxLength: 14 }).map((parts) => parts.join(''));

  test('both matchers agree with the plain recursive matcher on random patterns and texts', () => {
    fc.assert(
      fc.property(widePattern, wideText, (pattern, text) => {
        assert.equal(matchTokens(tokenizeGlob(pattern), text), recursiveReference(pattern, text, false), `glob ${pattern} ~ ${text}`);
        assert.equal(compileResourcePattern(pattern)(text), recursiveReference(pattern, text, true), `resource ${pattern} ~ ${text}`);
        assert.equal(compileSegmentMatcher(tokenizeGlob(pattern))(text), recursiveReference(pattern, text, true), `segments ${pattern} ~ ${text}`);
        // the several-word simulation, which patterns too long for one integer use
        assert.equal(compileSegmentMatcher(tokenizeGlob(pattern), 0)(text), recursiveReference(pattern, text, true), `segments, wide ${pattern} ~ ${text}`);
      }),
      { numRuns: 5000 },
    );
  });

  test('stars side by side (a policy variable resolved to nothing between them) match as one star', () => {
    const tokens: GlobToken[] = ['arn:aws:s3:::a', STAR, STAR, 'b', STAR, ':x'];
    for (const maxBitItems of [30, 0]) {
      const match = compileSegmentMatcher(tokens, maxBitItems);
      assert.equal(match('arn:aws:s3:::a-b-:x'), true);
      assert.equal(match('arn:aws:s3:::a:b:x'), false);
    }
  });

  test('a compiled segment matcher gives the same answers when reused', () => {
    const match = compileSegmentMatcher(tokenizeGlob('arn:aws:s3:::a*b/*'));
    for (let round = 0; round < 3; round++) {
      assert.equal(match('arn:aws:s3:::axxb/key:with:colons'), true);
      assert.equal(match('arn:aws:s3:::ax:xb/key'), false);
    }
  });

  // a text of n characters against a pattern of m: the work is at most a small multiple of n × m,
  // and grows linearly with n (a backtracking regular expression grows exponentially with m)
  const pathological = [
    { name: 'segment stars `a*a*…*b`', pattern: `arn:aws:s3:::${'a*'.repeat(12)}b`, text: (n: number) => `arn:aws:s3:::${'a'.repeat(n)}:b` },
    { name: 'segment stars `a*a*…*b`, over several words', pattern: `arn:aws:s3:::${'a*'.repeat(12)}b`, text: (n: number) => `arn:aws:s3:::${'a'.repeat(n)}:b`, bitItems: 0 },
    { name: 'forty segment stars, too many for one integer', pattern: `arn:aws:s3:::${'a*'.repeat(40)}b`, text: (n: number) => `arn:aws:s3:::${'a'.repeat(n)}:b` },
    { name: 'segment stars and question marks', pattern: `arn:aws:s3:::${'?*'.repeat(12)}b:x`, text: (n: number) => `arn:aws:s3:::${'a'.repeat(n)}:b:x` },
    { name: 'segment stars, then a star that crosses colons', pattern: `arn:aws:s3:::${'a*'.repeat(8)}/*`, text: (n: number) => `arn:aws:s3:::${'a'.repeat(n)}/x:y` },
    { name: 'plain stars `*a?a?…b`', pattern: `*${'a?'.repeat(12)}b`, text: (n: number) => 'a'.repeat(n) },
    { name: 'plain stars with long literals', pattern: `*${'aaaaaaaa*'.repeat(6)}c`, text: (n: number) => `${'a'.repeat(n)}` },
  ];
  for (const { name, pattern, text, bitItems = 30 } of pathological) {
    test(`${name} on a 10,000-character text: O(n × m) steps, linear in n`, () => {
      const tokens = tokenizeGlob(pattern);
      const segments = pattern.startsWith('arn:');
      const match = (subject: string, meter?: WorkMeter) => (segments ? compileSegmentMatcher(tokens, bitItems, meter)(subject) : matchTokens(tokens, subject, meter));
      // the answer itself, checked against the reference where its recursion stays shallow
      assert.equal(match(text(200)), recursiveReference(pattern, text(200), segments));
      const run = (n: number) => {
        const meter: WorkMeter = { steps: 0 };
        const subject = text(n);
        match(subject, meter);
        return { steps: meter.steps, length: subject.length };
      };
      const small = run(10_000);
      const large = run(20_000);
      // real work was done (the cheap prefix and suffix checks did not answer alone)
      assert.ok(small.steps >= small.length - pattern.length, `${small.steps} steps`);
      assert.ok(small.steps <= 4 * (small.length + 1) * (pattern.length + 1), `${small.steps} steps`);
      assert.ok(large.steps <= 2.2 * small.steps, `${small.steps} then ${large.steps} steps: not linear in the text`);
    });
  }
});

describe('hasWildcard', () => {
  test('spots * and ?', () => {
    assert.equal(hasWildcard('s3:*'), true);
    assert.equal(hasWildcard('s3:Get?bject'), true);
    assert.equal(hasWildcard('s3:GetObject'), false);
  });
});
