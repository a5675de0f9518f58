/**
 * Hostile plans: deep nesting, huge plans, unknown format versions and change actions,
 * `after_unknown` and sensitive markers in odd places and at every depth, prototype keys. Each gives
 * a located error or a correct report, never a throw, and never an Allow that rests on a value the
 * preflight cannot see.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fixtureOrganization, FIXTURES, SCENARIOS } from './fixture-policies.test-support.ts';
import { REDACTED } from './parse-plan.ts';
import { runPreflight, type PreflightReport, type PreflightResult } from './preflight.ts';
import { preflightJson, renderPreflightMarkdown, renderPreflightText } from './render-preflight.ts';
import { preflightJunit, preflightSarif } from './render-preflight-sarif.ts';

const org = fixtureOrganization();
const options = { account: org.account, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn }, requiredTags: ['team'] };
const fixture = (s: string) => JSON.parse(readFileSync(join(FIXTURES, s, 'plan.json'), 'utf8')) as { resource_changes: { address: string; change: Record<string, unknown> }[] } & Record<string, unknown>;

function run(doc: unknown): PreflightResult {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  let result: PreflightResult | undefined;
  assert.doesNotThrow(() => {
    result = runPreflight(text, options);
  });
  return result!;
}
function refused(doc: unknown, path: RegExp, code?: string): void {
  const result = run(doc);
  assert.equal(result.ok, false, 'refused');
  if (result.ok) return;
  assert.ok(result.issues.some((i) => path.test(i.path ?? '') && (code === undefined || i.code === code)), JSON.stringify(result.issues));
}
/** every output renders without a throw */
function renders(report: PreflightReport): void {
  for (const render of [renderPreflightText, renderPreflightMarkdown, preflightJson, preflightJunit, (r: PreflightReport) => preflightSarif(r, { planFile: 'plan.json' })]) assert.doesNotThrow(() => render(report));
}
/** no request is allowed on a resource or context that holds a redacted value or an unresolved one */
function neverDecidedOnWhatItCannotSee(report: PreflightReport): void {
  for (const c of report.changes) {
    for (const r of c.requests) {
      const seen = JSON.stringify([r.resource, r.context]);
      if (seen.includes(REDACTED) || seen.includes('known after apply') || r.unknown.length > 0) assert.notEqual(r.decision, 'Allow', `${c.change.address}: ${r.action} on ${r.resource}`);
    }
    if (c.requests.some((r) => r.decision !== 'Allow')) assert.notEqual(c.decision, 'Allow');
  }
}

describe('format versions and change actions', () => {
  for (const version of ['2.0', '0.1', '10.0', '1', '1.2.3', ' 1.2', '1.2 ', '01.2', '']) {
    it(`format_version ${JSON.stringify(version)} is refused at $.format_version`, () => refused({ format_version: version, resource_changes: [] }, /^\$\.format_version$/));
  }
  for (const version of [1.2, null, ['1.2'], { major: 1 }]) {
    it(`format_version ${JSON.stringify(version)} (not a string) is refused`, () => refused({ format_version: version, resource_changes: [] }, /^\$\.format_version$/));
  }
  for (const actions of [['create', 'update'], [], ['Delete'], ['delete', 'delete'], [null], 'create', [['create']], ['create', 'delete', 'create'], ['move']]) {
    it(`actions ${JSON.stringify(actions)} are refused at the change`, () => {
      const plan = fixture('clean-service');
      plan.resource_changes[0]!.change.actions = actions;
      refused(plan, /^\$\.resource_changes\[0\]\.change\.actions$/);
    });
  }
});

describe('shapes that are not a plan', () => {
  const cases: [string, (plan: ReturnType<typeof fixture>) => void, RegExp][] = [
    ['after is a string', (p) => void (p.resource_changes[0]!.change.after = 'x'), /change\.after$/],
    ['before is a number', (p) => void (p.resource_changes[0]!.change.before = 5), /change\.before$/],
    ['after is a list', (p) => void (p.resource_changes[0]!.change.after = []), /change\.after$/],
    ['after_unknown is a string', (p) => void (p.resource_changes[0]!.change.after_unknown = 'yes'), /change\.after_unknown$/],
    ['after_sensitive is a number', (p) => void (p.resource_changes[0]!.change.after_sensitive = 1), /change\.after_sensitive$/],
    ['a resource change is null', (p) => void ((p.resource_changes as unknown[])[0] = null), /^\$\.resource_changes\[0\]$/],
    ['resource_changes is an object', (p) => void ((p as Record<string, unknown>).resource_changes = {}), /^\$\.resource_changes$/],
    ['a module call is a string', (p) => void (((p.configuration as Record<string, Record<string, unknown>>).root_module!).module_calls = { m: 'x' }), /module_calls\.m$/],
  ];
  for (const [what, mutate, path] of cases) {
    it(`${what}: a located error`, () => {
      const plan = fixture('clean-service');
      mutate(plan);
      refused(plan, path);
    });
  }

  it('JSON nested deeper than the parser allows, and values nested deep inside a plan', () => {
    refused('['.repeat(200000) + ']'.repeat(200000), /^\$$/);
    // 5,000 levels inside a change's values: more than JSON.stringify or a recursive reader may take
    const plan = fixture('clean-service');
    (plan.resource_changes[0]!.change.after as Record<string, unknown>).deep = 'DEEP_MARK';
    const result = run(JSON.stringify(plan).replace('"DEEP_MARK"', `${'{"x":['.repeat(5000)}"leaf"${']}'.repeat(5000)}`));
    if (result.ok) renders(result.value);
    else assert.ok(result.issues.every((i) => typeof i.path === 'string'));
  });

  it('modules nested deeper than 64: a located error', () => {
    let module: Record<string, unknown> = { resources: [] };
    for (let i = 0; i < 80; i++) module = { module_calls: { m: { source: './m', module } } };
    refused({ format_version: '1.2', resource_changes: [], configuration: { root_module: module } }, /module_calls/);
  });
});

describe('unknown and sensitive values in odd places: never decided as allowed', () => {
  it('after_unknown true for a whole change: resolved through the configuration, or undecidable', () => {
    for (const scenario of SCENARIOS) {
      const plan = fixture(scenario);
      for (const rc of plan.resource_changes) if (Array.isArray(rc.change.actions) && rc.change.actions.includes('create')) rc.change.after_unknown = true;
      // with no configuration to follow, nothing of a created resource is known
      ((plan.configuration as Record<string, Record<string, unknown>>).root_module!).resources = [];
      const result = run(plan);
      assert.ok(result.ok);
      neverDecidedOnWhatItCannotSee(result.value);
      for (const c of result.value.changes.filter((x) => x.change.action === 'create')) {
        for (const r of c.requests.filter((x) => x.resource !== '*')) assert.notEqual(r.decision, 'Allow', `${c.change.address}: ${r.action}`);
      }
      renders(result.value);
    }
  });

  it('after_sensitive true for a whole change: nothing is read from it, nothing is printed from it', () => {
    const plan = fixture('clean-service');
    for (const rc of plan.resource_changes) rc.change.after_sensitive = true;
    const result = run(plan);
    assert.ok(result.ok);
    neverDecidedOnWhatItCannotSee(result.value);
    assert.ok(result.value.changes.filter((c) => c.change.action === 'create' && c.requests.length > 0).every((c) => c.decision !== 'Allow'));
    renders(result.value);
  });

  it('a sensitive tag value is not a tag value: the request is undecidable, not decided on "(sensitive)"', () => {
    const plan = fixture('tag-policy');
    for (const rc of plan.resource_changes) {
      const after = rc.change.after as Record<string, unknown> | null;
      if (after?.tags !== undefined && after.tags !== null) rc.change.after_sensitive = { tags: { team: true }, tags_all: { team: true } };
    }
    const result = run(plan);
    assert.ok(result.ok);
    neverDecidedOnWhatItCannotSee(result.value);
    for (const c of result.value.changes) for (const r of c.requests) assert.ok(!Object.values(r.context).some((v) => v === REDACTED), `${c.change.address}: ${JSON.stringify(r.context)}`);
  });

  /** every path to a leaf or branch of a change's `after` */
  const pathsOf = (value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] => {
    out.push(prefix);
    if (prefix.length < 6 && value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
    return out;
  };
  /** marks `true` at a path, building the nested objects and lists the marks need */
  const markAt = (marks: unknown, path: readonly (string | number)[], like: unknown): unknown => {
    if (path.length === 0) return true;
    const [head, ...rest] = path;
    const base = Array.isArray(like) ? (Array.isArray(marks) ? [...(marks as unknown[])] : []) : typeof marks === 'object' && marks !== null ? { ...(marks as object) } : {};
    const child = (like as Record<string | number, unknown>)[head!];
    (base as Record<string | number, unknown>)[head!] = markAt((base as Record<string | number, unknown>)[head!], rest, child);
    return base;
  };

  for (const field of ['after_sensitive', 'after_unknown'] as const) {
    it(`${field} at a random depth of a random change of every fixture: a report or an error, never an Allow on what is hidden`, () => {
      const plans = SCENARIOS.map(fixture);
      const targets = plans.flatMap((plan, p) => plan.resource_changes.flatMap((rc, i) => (rc.change.after !== null && typeof rc.change.after === 'object' ? pathsOf(rc.change.after).map((path) => ({ p, i, path })) : [])));
      fc.assert(
        fc.property(fc.constantFrom(...targets), ({ p, i, path }) => {
          const plan = structuredClone(plans[p]!);
          const change = plan.resource_changes[i]!.change;
          change[field] = markAt(change[field], path, change.after);
          const result = run(plan);
          if (!result.ok) return void assert.ok(result.issues.length > 0);
          neverDecidedOnWhatItCannotSee(result.value);
          renders(result.value);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('a sensitive value marked at any depth never reaches an output', () => {
    const plan = fixture('clean-service');
    const rc = plan.resource_changes.find((r) => r.change.after !== null && typeof r.change.after === 'object' && 'tags' in (r.change.after as object))!;
    const canary = 'CANARY-deep-4f1a2b';
    (rc.change.after as Record<string, unknown>).tags = { team: 'payments', nested: canary };
    (rc.change.after as Record<string, unknown>).tags_all = { team: 'payments', nested: canary };
    rc.change.after_sensitive = { tags: { nested: true }, tags_all: { nested: true } };
    const result = run(plan);
    assert.ok(result.ok);
    for (const output of [renderPreflightText(result.value), renderPreflightMarkdown(result.value), preflightJson(result.value), preflightJunit(result.value), preflightSarif(result.value)]) assert.ok(!output.includes(canary));
  });
});

describe('prototype keys and huge plans', () => {
  it('a key named `__proto__` is a key, not the prototype: a value hidden behind it is not read as the resource\'s', () => {
    const queue = { address: 'aws_sqs_queue.q', mode: 'managed', type: 'aws_sqs_queue', name: 'q', change: { actions: ['create'], before: null, after: { PROTO_KEY: { name: 'app-q', tags_all: { team: 'payments' } } }, after_unknown: {} } };
    const text = JSON.stringify({ format_version: '1.2', resource_changes: [queue], configuration: { provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } } } }).replaceAll('"PROTO_KEY"', '"__proto__"');
    const result = run(text);
    assert.ok(result.ok);
    const [change] = result.value.changes;
    assert.notEqual(change!.decision, 'Allow');
    assert.ok(change!.requests.every((r) => !r.resource.endsWith(':app-q')), JSON.stringify(change!.requests.map((r) => r.resource)));
  });

  it('20,000 changes of a type with no request map: every one reported unmapped, the plan not passed', () => {
    const changes = Array.from({ length: 20000 }, (_, i) => ({ address: `aws_appmesh_mesh.m${i}`, mode: 'managed', type: 'aws_appmesh_mesh', name: `m${i}`, change: { actions: ['create'], before: null, after: { name: `m${i}` }, after_unknown: {} } }));
    const result = run({ format_version: '1.2', resource_changes: changes });
    assert.ok(result.ok);
    assert.equal(result.value.summary.unmapped, 20000);
    assert.equal(result.value.passed, false);
    renders(result.value);
  });
});
