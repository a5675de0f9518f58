/**
 * Issue #6, "stay bounded": every parser at Parapet's edge — policy JSON, decision cases,
 * `parapet.yaml` with its policy files, access test files — is fed random bytes, random JSON and
 * random YAML, valid documents with random damage, and the known attacks (alias bombs, deep
 * nesting, pathological wildcards, tens of thousands of mistakes). Each must return a Result, never
 * throw; report a bounded number of issues; and a document that fails to parse never yields a
 * value that could be decided, so never an Allow.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { parseAccessTests } from '../src/analysis/index.ts';
import { readConfigDir, parseConfig, type OrgConfig } from '../src/org/index.ts';
import { compilePolicySet, decide, MAX_ISSUES_PER_FILE, parseCase, parsePolicy, type Issue, type Policy, type PolicySetInput, type PolicyType } from '../src/policy/index.ts';

const ACME = new URL('../examples/acme/', import.meta.url).pathname;
const acmeFiles = readConfigDir(ACME);
const acmeParsed = parseConfig(acmeFiles);
assert.ok(acmeParsed.ok);
const acme: OrgConfig = acmeParsed.value;
const acmeYaml = acmeFiles.get('parapet.yaml')!;
const acmeTests = readFileSync(new URL('../examples/acme/tests/developers.yaml', import.meta.url), 'utf8');

const TYPES: PolicyType[] = ['identity', 'resource', 'scp', 'rcp', 'permissionBoundary', 'session'];
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const allowAllParsed = parsePolicy(ALLOW_ALL, { type: 'identity', name: 'allow-all' });
assert.ok(allowAllParsed.ok);
const ALLOW_ALL_POLICY: Policy = allowAllParsed.value;
const request = { principal: 'arn:aws:iam::111111111111:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: {} };

/** random bytes, read as UTF-8 as a file would be */
const bytesText = fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8'));
/** text made of the characters that matter to JSON and YAML */
const syntaxText = fc
  .array(fc.constantFrom('{', '}', '[', ']', ':', ',', '"', "'", '&a', '*a', '!', '|', '>', '-', '#', ' ', '  ', '\n', '\\', 'Statement', 'Effect', 'Allow', 'null', '1e999', '0x1', '\u0000', '😀'), {
    maxLength: 80,
  })
  .map((parts) => parts.join(''));
const anyJson = fc.jsonValue({ maxDepth: 6 });
const jsonText = anyJson.map((value) => JSON.stringify(value));
const yamlText = anyJson.map((value) => toYaml(value));
/** a valid document with a few characters inserted, deleted or replaced at random places */
function damaged(text: string): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(text.length), fc.nat(4), fc.constantFrom('', '{', '}', '[', ']', '"', ':', ',', '\n', '  ', '*', '&x', '*x', 'x'));
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let out = text;
    for (const [at, remove, insert] of edits) {
      const i = Math.min(at, out.length);
      out = out.slice(0, i) + insert + out.slice(i + remove);
    }
    return out;
  });
}

/** the known attacks, each a few hundred bytes that once took minutes or crashed */
const aliasBomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
const deepJson = `${'['.repeat(3000)}${']'.repeat(3000)}`;
const deepYaml = `${'['.repeat(3000)}${']'.repeat(3000)}`;
const manyMistakes = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 30_000 }, () => ({ Effect: 'Maybe', Action: 1, Resource: [] })) });
const badWildcard = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: `s3:${'a*'.repeat(40)}b`, Resource: `arn:aws:s3:::${'a*'.repeat(40)}b`, Condition: { StringLike: { 'aws:UserAgent': `${'*a'.repeat(40)}*b` } } }],
});
const attacks = [aliasBomb, deepJson, deepYaml, manyMistakes, badWildcard, `${aliasBomb}\ntests: []\n`];

const inputs = fc.oneof(bytesText, syntaxText, jsonText, yamlText);

function policySetOf(type: PolicyType, policy: Policy): PolicySetInput {
  switch (type) {
    case 'identity':
      return { identity: [policy] };
    case 'scp':
      return { identity: [ALLOW_ALL_POLICY], scps: [[policy]] };
    case 'rcp':
      return { identity: [ALLOW_ALL_POLICY], rcps: [[policy]] };
    case 'resource':
      return { resource: policy };
    case 'permissionBoundary':
      return { identity: [ALLOW_ALL_POLICY], permissionBoundary: policy };
    case 'session':
      return { identity: [ALLOW_ALL_POLICY], session: policy };
  }
}

/** issues per file at most the cap and its summary */
function bounded(issues: readonly { source?: string | undefined }[]): void {
  const perFile = new Map<string | undefined, number>();
  for (const issue of issues) perFile.set(issue.source, (perFile.get(issue.source) ?? 0) + 1);
  for (const [file, count] of perFile) assert.ok(count <= MAX_ISSUES_PER_FILE + 1, `${count} issues for ${file}`);
}

/** a Result: ok with a value, or not ok with at least one error */
function isResult(result: { ok: boolean; issues: readonly { severity: string }[] }): void {
  assert.equal(typeof result.ok, 'boolean');
  assert.ok(Array.isArray(result.issues));
  if (!result.ok) assert.ok(result.issues.some((i) => i.severity === 'error'), 'a failed parse says why');
}

describe('fuzz: every parser returns a bounded Result, never throws', () => {
  test('policy JSON: parse and validate; what parses also compiles and decides', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...TYPES), (text, type) => {
        const parsed = parsePolicy(text, { type, source: 'p.json' });
        isResult(parsed);
        bounded(parsed.issues);
        if (parsed.ok) {
          const decision = decide(compilePolicySet(policySetOf(type, parsed.value)), request);
          assert.ok(['Allow', 'ExplicitDeny', 'ImplicitDeny'].includes(decision.decision));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('decision cases', () => {
    fc.assert(
      fc.property(inputs, (text) => {
        const parsed = parseCase(text, { source: 'c.json' });
        isResult(parsed);
        bounded(parsed.issues);
      }),
      { numRuns: 300 },
    );
  });

  test('parapet.yaml and its policy files', () => {
    const yamlInputs = fc.oneof(inputs, damaged(acmeYaml));
    fc.assert(
      fc.property(yamlInputs, inputs, (yaml, policy) => {
        const files = new Map(acmeFiles);
        files.set('parapet.yaml', yaml);
        files.set('guardrails/deny-leave-organization.json', policy);
        const parsed = parseConfig(files);
        isResult(parsed);
        bounded(parsed.issues);
      }),
      { numRuns: 100 },
    );
  });

  test('access test files', () => {
    fc.assert(
      fc.property(fc.oneof(inputs, damaged(acmeTests)), (text) => {
        const parsed = parseAccessTests(text, 'tests/t.yaml', acme);
        assert.ok(Array.isArray(parsed.tests) && Array.isArray(parsed.issues));
        bounded(parsed.issues);
        // a test that failed to parse is not run: the file's errors are reported instead
        if (parsed.issues.some((i) => i.severity === 'error' && (i.code === 'yaml-syntax' || i.code === 'yaml-alias-limit' || i.code === 'yaml-too-deep'))) {
          assert.deepEqual(parsed.tests, []);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the known attacks, in every parser: a bounded Result', () => {
  for (const [index, text] of attacks.entries()) {
    test(`attack ${index + 1}`, () => {
      const policy = parsePolicy(text, { type: 'identity', source: 'p.json' });
      isResult(policy);
      bounded(policy.issues);
      const kase = parseCase(text, { source: 'c.json' });
      isResult(kase);
      bounded(kase.issues);
      const files = new Map(acmeFiles);
      files.set('parapet.yaml', text);
      const config = parseConfig(files);
      isResult(config);
      bounded(config.issues);
      files.set('parapet.yaml', acmeYaml);
      files.set('guardrails/deny-leave-organization.json', text);
      const withPolicy = parseConfig(files);
      isResult(withPolicy);
      bounded(withPolicy.issues);
      const tests = parseAccessTests(text, 'tests/t.yaml', acme);
      bounded(tests.issues);
    });
  }
});

describe('fuzz: a malformed policy never produces an Allow', () => {
  const allowAllText = JSON.stringify(ALLOW_ALL);
  test('an Allow-everything policy with random damage either parses as a policy or yields nothing to decide', () => {
    fc.assert(
      fc.property(damaged(allowAllText), (text) => {
        const parsed = parsePolicy(text, { type: 'identity', source: 'p.json' });
        isResult(parsed);
        // in a case: a policy that does not parse makes the whole case invalid, never decided
        const kase = parseCase(`{"name":"x","request":${JSON.stringify(request)},"policies":{"identity":[${text}]}}`);
        if (!parsed.ok) assert.equal(kase.ok, false, 'a case with a malformed policy is not decided');
        // in a configuration: a malformed permission set policy makes the configuration invalid
        const files = new Map(acmeFiles);
        const permissionSetFile = [...files.keys()].find((f) => f.startsWith('permission-sets/'))!;
        files.set(permissionSetFile, text);
        const config = parseConfig(files);
        if (!parsed.ok) assert.equal(config.ok, false, 'a configuration with a malformed policy has no model to decide with');
      }),
      { numRuns: 150 },
    );
  });

  test('the attacks never parse as a policy that allows', () => {
    for (const text of attacks) {
      const parsed = parsePolicy(text, { type: 'identity' });
      if (parsed.ok) {
        const issues: readonly Issue[] = parsed.issues;
        assert.ok(Array.isArray(issues));
        // the pathological wildcard is a valid policy: it is decided, and quickly, not hung
        assert.equal(decide(compilePolicySet({ identity: [parsed.value] }), request).decision, 'ImplicitDeny');
      }
    }
  });
});
