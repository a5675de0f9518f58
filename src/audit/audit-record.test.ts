/** the leaf's record built from the event's canonical text is byte for byte what RFC 8785 gives for `{ index, event }` */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sampleEvent } from './audit-export.test-support.ts';
import { auditLeafHash, canonicalRecord, leafHashOfRecord } from './audit-record.ts';

test('canonicalRecord equals the canonicalize library on the whole record, for every index', () => {
  for (const index of [0, 1, 9, 10, 37, 1_000_000, Number.MAX_SAFE_INTEGER]) {
    const event = sampleEvent(index % 1000);
    assert.equal(canonicalRecord(index, event), canonicalize({ index, event }));
  }
});

test('an index that is not a whole number from 0 is refused', () => {
  assert.throws(() => canonicalRecord(-1, sampleEvent(0)));
  assert.throws(() => canonicalRecord(1.5, sampleEvent(0)));
});

test('the leaf hash is SHA-256 of 0x00 and the UTF-8 bytes of the record, for text beyond ASCII too', () => {
  const event = { ...sampleEvent(3), resource: 'arn:aws:s3:::bücket/ключ/🔑/\u2028' };
  const record = canonicalRecord(3, event);
  const expected = createHash('sha256').update(Uint8Array.of(0)).update(Buffer.from(record, 'utf8')).digest();
  assert.deepEqual(Buffer.from(leafHashOfRecord(record)), expected);
  assert.deepEqual(Buffer.from(auditLeafHash(3, event)), expected);
});
