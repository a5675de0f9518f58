import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { ParapetError } from '../policy/index.ts';
import { asParapetError } from './as-parapet-error.ts';
import { exitStatus } from './exit-status.ts';

test('a ParapetError is kept as it is', () => {
  const error = new ParapetError('usage', '--repeat must be a positive whole number');
  assert.equal(asParapetError(error), error);
});

test('a file-system error keeps its meaning and its path', () => {
  const missing = join(tmpdir(), 'parapet-no-such-file-here', 'x.json');
  let thrown: unknown;
  try {
    readFileSync(missing);
  } catch (error) {
    thrown = error;
  }
  const failure = asParapetError(thrown);
  assert.deepEqual([failure.code, failure.path, exitStatus(failure.code)], ['not-found', missing, 2]);
});

test('anything else is a bug: internal, exit 3, the original kept as the cause', () => {
  const bug = new TypeError('cannot read properties of undefined');
  const failure = asParapetError(bug);
  assert.deepEqual([failure.code, failure.message, failure.cause, exitStatus(failure.code)], ['internal', 'cannot read properties of undefined', bug, 3]);
  assert.equal(asParapetError('a string').code, 'internal');
});
