import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkContext, checkContextEntry, checkContextValueType } from './check-context-value.ts';
import { compilePolicySet, type CompiledPolicySet } from './compile-policy-set.ts';
import { parseAddress, parseDate } from './condition-values.ts';
import { globalContextKeyType, type ContextValueType } from './context-key-types.ts';
import { decide } from './decide.ts';
import type { DecisionKind } from './decision.ts';
import { parsePolicy } from './parse-policy.ts';
import type { Policy, PolicyType } from './policy.ts';

describe('checkContextValueType: exactly what the evaluator reads as the type', () => {
  const table: Record<ContextValueType, { readonly accepted: readonly string[]; readonly rejected: readonly string[] }> = {
    String: { accepted: ['', 'anything', 'no', '999.1.1.1'], rejected: [] },
    Bool: { accepted: ['true', 'false', 'TRUE', 'False'], rejected: ['', 'no', 'yes', '1', '0', ' true', 'true ', 'truee'] },
    Date: {
      accepted: ['2026-01-31T12:00:00Z', '2026-01-31', '2026-01-31T12:00:00.123+01:00', '2026-01-31 12:00', '2028-02-29', '2000-02-29', '0000-02-29', '1769860800', '1769860800.5', '-1'],
      rejected: ['', 'not-a-date', '2026-13-01', '2026-01-32', '2026-02-31', '2026-02-29T00:00:00Z', '1900-02-29', '2026-04-31', '2026-01-31T25:00:00Z', 'yesterday', '1e9', '31/01/2026'],
    },
    Numeric: { accepted: ['3600', '-1', '+2', '0.5', '.5', '5.', ' 42 '], rejected: ['', 'abc', '1e3', '0x10', 'Infinity', 'NaN', '1,000', '--1'] },
    IPAddress: {
      accepted: ['203.0.113.7', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::1', '::ffff:203.0.113.7'],
      rejected: ['', '999.1.1.1', '1.2.3', '010.1.1.1', '3232235777', '0x0a.1.1.1', '203.0.113.0/24', 'fe80::1%eth0', '1::2::3', ' 203.0.113.7', 'localhost'],
    },
    ARN: {
      accepted: ['arn:aws:iam::111111111111:user/alice', 'arn:aws:s3:::bucket/key', 'arn:aws:sns:eu-west-1:111111111111:topic:with:colons'],
      rejected: ['', 'alice', 'arn:aws:s3', 'arn::s3:::b', 'arn:aws::::x', 'ARN:aws:s3:::b'],
    },
  };
  for (const [type, { accepted, rejected }] of Object.entries(table) as [ContextValueType, (typeof table)[ContextValueType]][]) {
    test(`${type}: accepts ${accepted.length} forms and rejects ${rejected.length}`, () => {
      for (const value of accepted) assert.equal(checkContextValueType(type, value), undefined, `\`${value}\` is a ${type}`);
      for (const value of rejected) assert.match(checkContextValueType(type, value) ?? '', new RegExp(`^\`${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` is not`), `\`${value}\` is not a ${type}`);
    });
  }
});

describe('checkContext: every value of every typed key', () => {
  test('names the key and the value, and the position in a list of values', () => {
    assert.deepEqual(checkContext({ 'aws:SourceIp': ['203.0.113.7', '999.1.1.1'], 'AWS:multifactorauthpresent': 'no', 'aws:RequestedRegion': 'no' }), [
      {
        key: 'aws:SourceIp',
        index: 1,
        value: '999.1.1.1',
        message: 'context key `aws:SourceIp`: `999.1.1.1` is not an IP address: expected an IPv4 (`203.0.113.7`) or IPv6 (`2001:db8::1`) address',
      },
      { key: 'AWS:multifactorauthpresent', index: undefined, value: 'no', message: 'context key `AWS:multifactorauthpresent`: `no` is not a boolean: expected `true` or `false`' },
    ]);
  });

  test('aws:EpochTime takes epoch seconds: a number both date and numeric operators read', () => {
    assert.deepEqual(checkContextEntry('aws:EpochTime', '1769860800'), []);
    assert.match(checkContextEntry('aws:EpochTime', '2026-01-31T12:00:00Z')[0]?.message ?? '', /is not a number/);
    assert.match(checkContextEntry('aws:EpochTime', 'x')[0]?.message ?? '', /is not a date/);
  });

  test('tag keys of the global list are strings; keys of no known type are accepted as strings', () => {
    assert.deepEqual(globalContextKeyType('aws:PrincipalTag/team'), ['String']);
    assert.equal(globalContextKeyType('aws:PrincipalTag/'), undefined);
    assert.equal(globalContextKeyType('s3:max-keys'), undefined);
    assert.deepEqual(checkContext({ 'aws:ResourceTag/x': 'no', 's3:max-keys': 'ten', 'aws:NotAKey': 'x' }), []);
  });
});

/**
 * The property the check exists for: a request value of a typed key is either rejected as invalid
 * input, or the engine decides it as it decides the same value written canonically, so a
 * guardrail that denies every valid value never allows an accepted one.
 */
describe('property: a typed context value is rejected, or decided like its canonical form', () => {
  const principal = 'arn:aws:iam::111111111111:user/alice';
  function policy(type: PolicyType, statements: unknown[]): Policy {
    const parsed = parsePolicy({ Version: '2012-10-17', Statement: statements }, { type, name: `${type}-policy` });
    assert.ok(parsed.ok, JSON.stringify(parsed.issues));
    return parsed.value;
  }
  const allowAll = (type: PolicyType) => policy(type, [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
  const denyWhen = (conditions: Record<string, Record<string, string>>[]) => conditions.map((Condition) => ({ Effect: 'Deny', Action: '*', Resource: '*', Condition }));
  const guarded = (conditions: Record<string, Record<string, string>>[]): CompiledPolicySet =>
    compilePolicySet({ identity: [allowAll('identity')], scps: [[allowAll('scp'), policy('scp', denyWhen(conditions))]] });

  /** the same instant as epoch seconds the engine reads to the same milliseconds */
  const canonicalNumber = (value: string) => Number(value).toFixed(20);
  interface Subject {
    readonly key: string;
    /** a guardrail with a threshold: some valid values are allowed, some denied */
    readonly threshold: CompiledPolicySet;
    /** a guardrail that denies every valid value of the key */
    readonly denyAll: CompiledPolicySet;
    readonly canonical: (value: string) => string;
    readonly samples: readonly string[];
  }
  const subjects: readonly Subject[] = [
    {
      key: 'aws:MultiFactorAuthPresent',
      threshold: guarded([{ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }]),
      denyAll: guarded([{ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }]),
      canonical: (value) => value.toLowerCase(),
      samples: ['true', 'false', 'TRUE', 'False', 'tRuE', 'yes', 'no', '1', '0', ' true', ''],
    },
    {
      key: 'aws:CurrentTime',
      threshold: guarded([{ DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }]),
      denyAll: guarded([{ DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { DateLessThanEquals: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }]),
      canonical: (value) => (/^[+-]?\d+(\.\d+)?$/.test(value) ? canonicalNumber(value) : new Date(parseDate(value)!).toISOString()),
      samples: ['2026-01-31T12:00:00Z', '2030-01-01T00:00:00Z', '2029-12-31T23:59:59Z', '2030-02-30', '2030-01-01T00:00:00.001Z', '2030-01-01', '2030-01-01T01:00:00+01:00', '1893456000', '1893456000.5', '-1', '2026-13-01', 'not-a-date'],
    },
    {
      key: 'aws:MultiFactorAuthAge',
      threshold: guarded([{ NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } }]),
      denyAll: guarded([{ NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } }, { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } }]),
      canonical: (value) => canonicalNumber(value.trim()),
      samples: ['3600', '3601', '3600.0', '3600.000001', '+3600', ' 3601 ', '.5', '5.', '-0', '1e3', '0x10', 'abc'],
    },
    {
      key: 'aws:EpochTime',
      threshold: guarded([{ NumericLessThan: { 'aws:EpochTime': '1700000000' } }]),
      denyAll: guarded([{ NumericLessThan: { 'aws:EpochTime': '1700000000' } }, { DateGreaterThanEquals: { 'aws:EpochTime': '1700000000' } }]),
      canonical: canonicalNumber,
      samples: ['1700000000', '1699999999.999', '1769860800', '2026-01-31T12:00:00Z', '-5', 'x'],
    },
    {
      key: 'aws:SourceIp',
      threshold: guarded([{ IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }]),
      denyAll: guarded([{ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { IpAddress: { 'aws:SourceIp': '::/0' } }]),
      canonical: (value) => parseAddress(value)!.toString(),
      samples: ['198.51.100.7', '198.51.100.255', '198.51.101.0', '203.0.113.7', '::ffff:198.51.100.7', '2001:db8::1', '2001:0db8:0000::0001', '999.1.1.1', '010.1.1.1', '1.2.3', 'fe80::1%eth0', '198.51.100.7/32'],
    },
    {
      key: 'aws:SourceArn',
      threshold: guarded([{ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:999999999999:*' } }]),
      denyAll: guarded([{ ArnLike: { 'aws:SourceArn': '*' } }]),
      canonical: (value) => value,
      samples: ['arn:aws:sns:eu-west-1:999999999999:t', 'arn:aws:sns:eu-west-1:111111111111:t', 'arn:aws:s3:::b', 'arn:::::', 'arn:aws:sns', 'sns-topic'],
    },
  ];

  for (const subject of subjects) {
    test(`${subject.key}: never decided when rejected, decided as its canonical form when accepted`, () => {
      const decideWith = (compiled: CompiledPolicySet, value: string): DecisionKind =>
        decide(compiled, { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: { [subject.key]: value } }).decision;
      const sample = fc.constantFrom(...subject.samples);
      // random text, the samples, and samples with random text spliced in
      const value = fc.oneof(
        fc.string({ maxLength: 12 }),
        sample,
        fc.tuple(sample, fc.string({ maxLength: 3 }), fc.nat()).map(([s, insert, at]) => `${s.slice(0, at % (s.length + 1))}${insert}${s.slice(at % (s.length + 1))}`),
      );
      let accepted = 0;
      let rejected = 0;
      fc.assert(
        fc.property(value, (text) => {
          const problems = checkContextEntry(subject.key, text);
          if (problems.length > 0) {
            rejected++;
            assert.ok(problems[0]!.message.startsWith(`context key \`${subject.key}\`: \``));
            return;
          }
          accepted++;
          const canonical = subject.canonical(text);
          assert.deepEqual(checkContextEntry(subject.key, canonical), [], `the canonical form \`${canonical}\` is valid`);
          assert.equal(decideWith(subject.threshold, text), decideWith(subject.threshold, canonical), `\`${text}\` is decided as \`${canonical}\``);
          assert.notEqual(decideWith(subject.denyAll, text), 'Allow', `\`${text}\` passes a guardrail that denies every valid value`);
        }),
        { numRuns: 300 },
      );
      // the property says something only if both branches were taken
      assert.ok(accepted > 0 && rejected > 0, `accepted ${accepted}, rejected ${rejected}`);
    });
  }

  test('without the check, each of the rejected examples of the issue would pass the guardrail that denies every valid value', () => {
    // the reason the check exists: the evaluator reads an unreadable value as matching nothing
    for (const [key, text] of [
      ['aws:MultiFactorAuthPresent', 'no'],
      ['aws:CurrentTime', 'not-a-date'],
      ['aws:MultiFactorAuthAge', 'abc'],
      ['aws:EpochTime', 'x'],
      ['aws:SourceIp', '999.1.1.1'],
      ['aws:SourceArn', 'sns-topic'],
    ] as const) {
      const subject = subjects.find((s) => s.key === key)!;
      assert.equal(decide(subject.denyAll, { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: { [key]: text } }).decision, 'Allow', key);
      assert.equal(checkContextEntry(key, text).length, 1, key);
    }
  });
});
