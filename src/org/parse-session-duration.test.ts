import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSessionDuration } from './parse-session-duration.ts';

test('hours and minutes, from 1 to 12 hours', () => {
  assert.deepEqual(parseSessionDuration('1h'), { ok: true, seconds: 3600 });
  assert.deepEqual(parseSessionDuration('8h'), { ok: true, seconds: 8 * 3600 });
  assert.deepEqual(parseSessionDuration('90m'), { ok: true, seconds: 90 * 60 });
  assert.deepEqual(parseSessionDuration('1h30m'), { ok: true, seconds: 90 * 60 });
  assert.deepEqual(parseSessionDuration('12h'), { ok: true, seconds: 12 * 3600 });
});

test('outside AWS range or not a duration', () => {
  for (const text of ['59m', '0h', '12h1m', '13h', '', '8', 'PT8H', '8 h', '1d']) {
    const parsed = parseSessionDuration(text);
    assert.equal(parsed.ok, false, text);
  }
  const short = parseSessionDuration('30m');
  assert.equal(short.ok ? '' : short.message, '`30m` is shorter than 1 hour: AWS permission sets allow 1h to 12h');
});
