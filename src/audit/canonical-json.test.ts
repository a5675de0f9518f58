/**
 * The canonical-form check against the `canonicalize` library as the oracle: for thousands of
 * random JSON values, the library's text is accepted whole; and for thousands of other ways of
 * writing the same values (whitespace, key orders, escapes, number forms), the check accepts a
 * text exactly when it equals the library's canonical text of its value. Lone surrogates, which
 * the library refuses, are refused too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { scanCanonicalJson } from './canonical-json.ts';

// mulberry32: deterministic, and its low bits are as random as its high ones
let seed = 20261206;
const random = (n: number): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
};
const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T;

const CHARS = ['a', 'Z', '0', ' ', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', 'é', '€', '\u2028', '😀', 'ÿ', '\uffff'];
const NUMBERS = [0, -0, 1, -1, 1.5, 100, 1e21, 1e-7, 123456789.125, -0.000001, 2 ** 53, 5e-324, 1.7976931348623157e308];

function randomString(): string {
  return Array.from({ length: random(6) }, () => pick(CHARS)).join('');
}

function randomValue(depth: number): unknown {
  const kind = random(depth > 3 ? 4 : 6);
  if (kind === 0) return randomString();
  if (kind === 1) return pick(NUMBERS);
  if (kind === 2) return pick([true, false, null]);
  if (kind === 3) return random(2) === 0 ? randomString() : pick(NUMBERS);
  if (kind === 4) return Array.from({ length: random(4) }, () => randomValue(depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = random(5); i > 0; i -= 1) object[randomString()] = randomValue(depth + 1);
  return object;
}

/** another way of writing the value: its keys shuffled, some whitespace, escapes and number forms changed */
function rewrite(value: unknown): string {
  if (typeof value === 'number') {
    const text = JSON.stringify(value);
    return pick([text, `${text}`.replace('e+', 'E+'), Number.isInteger(value) && Math.abs(value) < 1e21 ? `${text}.0` : text, text === '0' ? '-0' : text]);
  }
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    return pick([text, text.replace('/', '\\/'), text.replace(/[a-zé€]/u, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), text.replace(/\\u00([0-9a-f]{2})/u, (_, hex: string) => `\\u00${hex.toUpperCase()}`)]);
  }
  if (Array.isArray(value)) return `[${value.map(rewrite).join(pick([',', ', ']))}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (random(2) === 0) entries.reverse();
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}${pick([':', ': '])}${rewrite(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonical json check (RFC 8785)', () => {
  it('accepts what the canonicalize library writes, to its last character', () => {
    for (let i = 0; i < 3000; i += 1) {
      const text = canonicalize(randomValue(0)) as string;
      const scanned = scanCanonicalJson(text, 0);
      assert.deepEqual(scanned, { ok: true, end: text.length }, text);
    }
  });

  it('accepts another writing of a value exactly when it is the canonical one', () => {
    let refused = 0;
    for (let i = 0; i < 5000; i += 1) {
      const text = rewrite(randomValue(0));
      const canonical = canonicalize(JSON.parse(text)) as string;
      const scanned = scanCanonicalJson(text, 0);
      const accepted = scanned.ok && scanned.end === text.length;
      assert.equal(accepted, text === canonical, `${text} (canonical: ${canonical})`);
      if (!accepted) refused += 1;
    }
    // the rewrites did rewrite: most were refused
    assert.ok(refused > 1000, `${refused} refused`);
  });

  it('names what is not canonical, and where', () => {
    const cases: [string, RegExp][] = [
      ['{"b":1,"a":2}', /member `a` after `b`/u],
      ['{"a":1,"a":2}', /member `a` twice/u],
      ['{"a": 1}', /` ` where a value is expected/u],
      ['{"a":1.0}', /number `1\.0` is not canonical/u],
      ['{"a":-0}', /number `-0` is not canonical/u],
      ['{"a":1E+21}', /number `1E\+21`/u],
      ['{"a":"\\u0041"}', /escape `\\u0041` is not canonical/u],
      ['{"a":"\\u001F"}', /escape `\\u001F` is not canonical/u],
      ['{"a":"\\u000a"}', /escape `\\u000a` is not canonical/u],
      ['{"a":"\\/"}', /escape `\\\/"\}` is not canonical/u],
      ['{"a":"\\ud83d\\ude00"}', /escape `\\ud83d` is not canonical/u],
      ['{"a":"\\ud800"}', /escape `\\ud800` is not canonical/u],
      ['{"a":"x\\udc00"}', /escape `\\udc00` is not canonical/u],
      ['{"a":"x\ny"}', /control character U\+000a not escaped/u],
      ['{"a":"\ud800"}', /a lone surrogate/u],
      ['{"a":[1,2,]}', /`\]` where a value is expected/u],
      ['{"a":tru}', /not a json value/u],
      ['{"a":"x', /a string does not end/u],
      ['{"a":[1', /the text ends inside an object or array/u],
    ];
    for (const [text, message] of cases) {
      const scanned = scanCanonicalJson(text, 0);
      assert.equal(scanned.ok, false, text);
      if (!scanned.ok) assert.match(scanned.message, message, text);
    }
    // the library refuses lone surrogates (not I-JSON) as the check does; an escaped backslash before `ud800` is no escape
    assert.throws(() => canonicalize({ a: '\ud800' }));
    assert.equal(scanCanonicalJson('"\\\\ud800"', 0).ok, true);
  });

  it('refuses nesting deeper than it keeps track of, without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const scanned = scanCanonicalJson(deep, 0);
    assert.equal(scanned.ok, false);
    if (!scanned.ok) assert.match(scanned.message, /nested deeper than 256/u);
    assert.equal(scanCanonicalJson(`${'['.repeat(200)}${']'.repeat(200)}`, 0).ok, true);
  });
});
