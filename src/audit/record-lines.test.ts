/**
 * The per-line check on bytes as read from a file against the same check on the lines' text: the
 * same leaves (the records' canonical bytes, hashed in place for ASCII lines), indexes, stored
 * hash mismatches and first bad line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateExport, sampleEvent } from './audit-export.test-support.ts';
import { auditLeafHash, exportLine } from './audit-record.ts';
import { sha256 } from './merkle.ts';
import { checkLineBytes, checkLineTexts, endOfLastLine, isBase64Of, type CheckedLines } from './record-lines.ts';

/** the lines' file bytes after one spare byte, as the reader lays them out */
function bytesOf(text: string): Uint8Array {
  const encoded = Buffer.from(text, 'utf8');
  const bytes = new Uint8Array(encoded.length + 1);
  bytes.set(encoded, 1);
  return bytes;
}

const plain = (checked: CheckedLines): unknown => ({ ...checked, leaves: Buffer.from(checked.leaves).toString('hex'), indexes: [...checked.indexes] });

describe('checking lines of an export', () => {
  const { lines, events } = generateExport(40, 10, 'parapet.test/audit', (i) => (i % 5 === 2 ? { ...sampleEvent(i), actor: { principal: `zoë-${i}@example.com` } } : sampleEvent(i)));

  it('hashes each line to the leaf of its event, from bytes as from text', () => {
    const fromBytes = checkLineBytes(bytesOf(`${lines.join('\n')}\n`), 1, bytesOf(`${lines.join('\n')}\n`).length);
    assert.equal(fromBytes.count, 40);
    for (let i = 0; i < 40; i += 1) assert.deepEqual(fromBytes.leaves.subarray(i * 32, i * 32 + 32), auditLeafHash(i, events[i]!), `${i}`);
    assert.deepEqual([...fromBytes.indexes], Array.from({ length: 40 }, (_, i) => i));
    assert.equal(fromBytes.hintMismatch, -1);
    assert.deepEqual(plain(fromBytes), plain(checkLineTexts(lines)));
    // ASCII only (hashed in place) and a last line without its newline
    const ascii = lines.filter((_, i) => i % 5 !== 2);
    const text = ascii.join('\r\n');
    assert.deepEqual(plain(checkLineBytes(bytesOf(text), 1, bytesOf(text).length)), plain(checkLineTexts(ascii)));
  });

  it('finds the first stored hash that is not the leaf and stops at the first bad line', () => {
    const tampered = [...lines];
    tampered[6] = exportLine(6, events[6]!, sha256());
    tampered[9] = exportLine(9, events[9]!, sha256());
    tampered[21] = '{"event":{"b":1,"a":2},"index":21}';
    tampered[30] = 'not json';
    const text = `${tampered.join('\n')}\n`;
    const checked = checkLineBytes(bytesOf(text), 1, bytesOf(text).length);
    assert.deepEqual([checked.count, checked.hintMismatch, checked.bad?.text], [21, 6, tampered[21]]);
    assert.match(checked.bad?.why ?? '', /member `a` after `b`/u);
    assert.deepEqual(plain(checked), plain(checkLineTexts(tampered)));
    // an empty line has no reason: it is only empty
    assert.deepEqual(checkLineBytes(bytesOf('\n'), 1, 2).bad, { text: '', why: undefined });
  });

  it('finds where the last whole line ends', () => {
    const bytes = bytesOf('ab\ncd\nef');
    assert.equal(endOfLastLine(bytes, 1, bytes.length), 7);
    assert.equal(endOfLastLine(bytes, 7, bytes.length), -1);
    assert.throws(() => checkLineBytes(bytes, 0, bytes.length), /bad line range 0\.\.9/u);
  });
});

describe('the stored hash after the index', () => {
  it('is taken exactly when it is base64 characters, at most two `=` and the line end', () => {
    const record = '{"event":{"a":1},"index":0';
    const cases: [string, boolean][] = [
      ['}', true],
      [',"leafHash":"AAAA"}', true],
      [',"leafHash":""}', true],
      [',"leafHash":"ab+/09=="}', true],
      [',"leafHash":"ab="}', true],
      [',"leafHash":"ab==="}', false],
      [',"leafHash":"a=b"}', false],
      [',"leafHash":"ab-_"}', false],
      [',"leafHash":"ab"} ', false],
      [',"leafHash":"ab"', false],
      [',"leafHash":"ab"}}', false],
      [',"leafHash":"ab}', false],
      ['}}', false],
      ['', false],
    ];
    for (const [rest, ok] of cases) {
      const checked = checkLineTexts([`${record}${rest}`]);
      assert.equal(checked.bad === undefined, ok, rest);
      // the same pattern as a regular expression, as the verifier had it
      assert.equal(rest === '}' || (rest.startsWith(',"leafHash":"') && /^[A-Za-z0-9+/]*={0,2}"\}$/u.test(rest.slice(13))), ok, rest);
    }
  });
});

describe('comparing a stored hash with a leaf', () => {
  it('accepts exactly the base64 form of the 32 bytes', () => {
    for (let round = 0; round < 2000; round += 1) {
      const bytes = Uint8Array.from({ length: 40 }, (_, k) => (round * 131 + k * 197 + ((round * k) % 251)) & 0xff);
      const at = round % 8;
      const encoded = Buffer.from(bytes.subarray(at, at + 32)).toString('base64');
      const text = `xx${encoded}"}`;
      assert.equal(isBase64Of(text, 2, text.length - 2, bytes, at), true, encoded);
      // one character changed, anywhere
      const k = round % 44;
      const other = `${encoded.slice(0, k)}${encoded[k] === 'A' ? 'B' : 'A'}${encoded.slice(k + 1)}`;
      assert.equal(isBase64Of(`xx${other}"}`, 2, other.length + 2, bytes, at), false, other);
      assert.equal(isBase64Of(`xx${encoded.slice(0, -1)}"}`, 2, encoded.length + 1, bytes, at), false);
      assert.equal(isBase64Of(`xx${encoded.replace('=', '')}A"}`, 2, encoded.length + 2, bytes, at), false);
    }
  });
});
