import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSuspiciousCharacters, showHiddenCharacters } from './check-name-characters.ts';

test('names in one script, or in a script with no Latin look-alikes next to Latin, are not suspicious', () => {
  for (const name of ['payments-devs', 'alice@acme.example', 'café-crème', 'платежи', 'αβγ-δ', '日本-team', 'team_42', 'permission-sets/admin.json']) {
    assert.equal(describeSuspiciousCharacters(name), undefined, name);
  }
});

test('Latin mixed with Cyrillic or Greek letters is a look-alike', () => {
  assert.match(describeSuspiciousCharacters('p\u0430yments') ?? '', /^mixes Latin and Cyrillic letters \(Cyrillic `\u0430` U\+0430\)/);
  assert.match(describeSuspiciousCharacters('\u03bfps') ?? '', /^mixes Greek and Latin letters \(Latin `p` U\+0070\)/);
  assert.match(describeSuspiciousCharacters('a\u0430\u03b1') ?? '', /^mixes Latin, Cyrillic and Greek letters/);
});

test('every zero-width, bidirectional and control character is found', () => {
  for (const c of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF']) assert.match(describeSuspiciousCharacters(`a${c}b`) ?? '', /^has an invisible character/, showHiddenCharacters(c));
  for (const c of ['\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
    assert.match(describeSuspiciousCharacters(`a${c}b`) ?? '', /^has a bidirectional control character/, showHiddenCharacters(c));
  }
  assert.equal(describeSuspiciousCharacters('a\u001b[31mb'), 'has a control character (U+001B)');
  assert.equal(showHiddenCharacters('a\u202Eb\u200Bc'), 'a\\u{202E}b\\u{200B}c');
});
