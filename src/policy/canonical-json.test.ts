/** canonicalJson against the examples of RFC 8785 (JSON Canonicalization Scheme) */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, type JsonValue } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('writes the RFC 8785 section 3.2.2 example as the RFC does', () => {
    const input = JSON.parse(`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`) as JsonValue;
    assert.equal(canonicalJson(input), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts members by UTF-16 code units, as RFC 8785 section 3.2.3 does', () => {
    const input = JSON.parse(`{
      "\\u20ac": "Euro Sign",
      "\\r": "Carriage Return",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\\ud83d\\ude00": "Emoji: Grinning Face",
      "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`) as Record<string, JsonValue>;
    // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33 though its code point is higher
    assert.equal(
      canonicalJson(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","דּ":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [1e21, '1e+21'],
      [999999999999999900000, '999999999999999900000'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [-5, '-5'],
    ];
    for (const [value, text] of cases) assert.equal(canonicalJson(value), text, String(value));
  });

  it('rejects numbers JSON cannot hold', () => {
    for (const value of [NaN, Infinity, -Infinity]) assert.throws(() => canonicalJson(value), /not a json number/);
  });

  it('gives one text whatever the member order and white space, and keeps array order', () => {
    const a = JSON.parse('{ "b": [2, 1], "a": { "y": true, "x": null } }') as JsonValue;
    const b = JSON.parse('{"a":{"x":null,"y":true},"b":[2,1]}') as JsonValue;
    assert.equal(canonicalJson(a), '{"a":{"x":null,"y":true},"b":[2,1]}');
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });
});
