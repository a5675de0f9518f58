import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSessionDuration } from './parse-session-duration.ts';

test('hours and minutes, from 1 to 12 hours', () => {
  assert.deepEqual(parseSessionDuration('1h'), { ok: true, value: 3600, issues: [] });
  assert.deepEqual(parseSessionDuration('8h'), { ok: true, value: 8 * 3600, issues: [] });
  assert.deepEqual(parseSessionDuration('90m'), { ok: true, value: 90 * 60, issues: [] });
  assert.deepEqual(parseSessionDuration('1h30m'), { ok: true, value: 90 * 60, issues: [] });
  assert.deepEqual(parseSessionDuration('12h'), { ok: true, value: 12 * 3600, issues: [] });
});

test('outside AWS range or not a duration', () => {
  for (const text of ['59m', '0h', '12h1m', '13h', '', '8', 'PT8H', '8 h', '1d']) {
    const parsed = parseSessionDuration(text);
    assert.equal(parsed.ok, false, text);
  }
  const short = parseSessionDuration('30m');
  assert.deepEqual(short.ok ? [] : short.issues.map((i) => `${i.code}: ${i.message}`), ['bad-session-duration: `30m` is shorter than 1 hour: AWS permission sets allow 1h to 12h']);
});
