import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { editDistance } from './edit-distance.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('abc', 'abc'), 0);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('getobjet', 'getobject'), 1);
    assert.equal(editDistance('getobject', 'getobjct'), 1);
    assert.equal(editDistance('getobject', 'getobjeck'), 1);
    assert.equal(editDistance('getobejct', 'getobject'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    // optimal string alignment: no edits inside a swapped pair
    assert.equal(editDistance('ca', 'abc'), 3);
  });

  it('is case-sensitive (callers lower-case)', () => {
    assert.equal(editDistance('A', 'a'), 1);
  });

  it('stops at the bound', () => {
    assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3);
    assert.equal(editDistance('a', 'abcdefgh', 2), 3);
    assert.equal(editDistance('getobjet', 'getobject', 1), 1);
  });

  it('is symmetric, zero only for equal strings, and agrees with its bound', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 8 });
    fc.assert(
      fc.property(word, word, fc.nat(6), (a, b, max) => {
        const distance = editDistance(a, b);
        assert.equal(editDistance(b, a), distance);
        assert.equal(distance === 0, a === b);
        assert.ok(distance <= Math.max(a.length, b.length));
        assert.equal(editDistance(a, b, max), Math.min(distance, max + 1));
      }),
    );
  });
});
