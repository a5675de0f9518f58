import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAccessLevel } from './parse-access-level.ts';

describe('parseAccessLevel', () => {
  it('reads single levels', () => {
    for (const level of ['List', 'Read', 'Write', 'Permissions management', 'Tagging'] as const) {
      assert.equal(parseAccessLevel(level), level);
    }
  });

  it('keeps the most specific of combined levels', () => {
    assert.equal(parseAccessLevel('Permissions management, Write'), 'Permissions management');
    assert.equal(parseAccessLevel('Tagging, Write'), 'Tagging');
    assert.equal(parseAccessLevel('Write, Tagging'), 'Tagging');
    assert.equal(parseAccessLevel('Read, List'), 'Read');
  });

  it('rejects anything else', () => {
    assert.equal(parseAccessLevel('Admin'), undefined);
    assert.equal(parseAccessLevel('Write, Admin'), undefined);
    assert.equal(parseAccessLevel('write'), undefined);
    assert.equal(parseAccessLevel(''), undefined);
  });
});
