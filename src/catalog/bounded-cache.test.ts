import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedCache } from './bounded-cache.ts';

describe('boundedCache', () => {
  it('forgets the least recently used entry beyond its limit', () => {
    const cache = boundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1); // `b` is now the least recently used
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
  });

  it('replaces the value of a key already there', () => {
    const cache = boundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    cache.set('b', 3);
    assert.equal(cache.get('a'), 2);
    assert.equal(cache.get('b'), 3);
  });
});
