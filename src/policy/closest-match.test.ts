import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestMatch, suggestionDistance } from './closest-match.ts';

const same = (text: string): string => text;

describe('closestMatch', () => {
  it('finds the nearest candidate ignoring case', () => {
    assert.equal(closestMatch('GETOBJET', ['PutObject', 'GetObject', 'GetObjectAcl'], same), 'GetObject');
  });

  it('prefers the strictly nearest, then the first on a tie', () => {
    assert.equal(closestMatch('abcdef', ['abcxyz', 'abcdxf', 'abcdeg'], same), 'abcdxf');
    assert.equal(closestMatch('ec3', ['ec2', 'ecr', 'ecs'], same), 'ec2');
  });

  it('suggests nothing beyond the allowed distance or for very short input', () => {
    assert.equal(closestMatch('getobject', ['listbuckets'], same), undefined);
    assert.equal(closestMatch('s4', ['s3'], same), undefined);
    assert.equal(closestMatch('x', [], same), undefined);
  });

  it('reads the candidate key through keyOf', () => {
    const found = closestMatch('lamda', [{ id: 'lambda' }, { id: 'iam' }], (c) => c.id);
    assert.deepEqual(found, { id: 'lambda' });
  });

  it('allows a third of the input length, at most 3', () => {
    assert.deepEqual([2, 3, 5, 6, 9, 30].map(suggestionDistance), [0, 1, 1, 2, 3, 3]);
  });
});
