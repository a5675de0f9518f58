import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileGlob, compileResourcePattern, hasWildcard, matchTokens, pushLiteral, tokenizeGlob, type GlobToken } from './glob.ts';

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

describe('hasWildcard', () => {
  test('spots * and ?', () => {
    assert.equal(hasWildcard('s3:*'), true);
    assert.equal(hasWildcard('s3:Get?bject'), true);
    assert.equal(hasWildcard('s3:GetObject'), false);
  });
});
