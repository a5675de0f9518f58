/**
 * SHA-256 against the test vectors of FIPS 180-4's examples (NIST CSRC "Examples with
 * intermediate values", SHA256.pdf) and RFC 6234 section 8.5 (TEST1, TEST2_1, TEST3), plus the
 * padding edges (55, 56, 63, 64 bytes: one or two blocks) checked against node:crypto.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256, sha256Hex } from './sha256.ts';

describe('sha256', () => {
  it('gives the digest of "abc" (FIPS 180-4 example, RFC 6234 TEST1)', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives the digest of the empty string', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the digest of the 448-bit message, which pads into a second block (RFC 6234 TEST2_1)', () => {
    assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it("gives the digest of one million 'a' (RFC 6234 TEST3)", () => {
    assert.equal(sha256Hex('a'.repeat(1_000_000)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('hashes the UTF-8 bytes of text', () => {
    // "é" is two bytes in UTF-8 and "€" three
    const text = 'policy é €';
    assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('agrees with node:crypto at every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      assert.equal(Buffer.from(sha256(bytes)).toString('hex'), createHash('sha256').update(bytes).digest('hex'), `length ${length}`);
    }
  });
});
