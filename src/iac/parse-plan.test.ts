import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan, REDACTED } from './parse-plan.ts';
import { FIXTURES } from './fixture-policies.test-support.ts';

const plan = (changes: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ format_version: '1.2', resource_changes: changes, configuration: {}, ...extra });
const change = (actions: unknown, extra: Record<string, unknown> = {}) => ({
  address: 'aws_sqs_queue.q',
  mode: 'managed',
  type: 'aws_sqs_queue',
  name: 'q',
  provider_name: 'registry.terraform.io/hashicorp/aws',
  change: { actions, before: null, after: { name: 'q' }, after_unknown: {}, ...extra },
});

function fails(text: string, code: string, path: string): void {
  const result = parsePlan(text, 'plan.json');
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.issues.map((i) => [i.code, i.severity, i.path, i.source]),
    [[code, 'error', path, 'plan.json']],
  );
}

describe('parsePlan fails closed', () => {
  it('refuses text that is not JSON', () => fails('{"format_version": ', 'bad-plan', '$'));
  it('refuses a document that is not an object', () => fails('[]', 'bad-plan', '$'));
  it('refuses a plan without format_version', () => fails(JSON.stringify({ resource_changes: [] }), 'bad-plan', '$.format_version'));
  it('refuses an unknown major format version', () => fails(plan([], { format_version: '2.0' }), 'unsupported-plan-version', '$.format_version'));
  it('refuses a state (no changes at all) instead of passing it', () => fails(JSON.stringify({ format_version: '1.0', values: {} }), 'bad-plan', '$'));
  it('refuses an unknown change action', () => fails(plan([change(['create', 'explode'])]), 'unknown-change-action', '$.resource_changes[0].change.actions'));
  it('refuses an action list that is not strings', () => fails(plan([change('create')]), 'bad-plan', '$.resource_changes[0].change.actions'));
  it('refuses a change without an address', () => fails(plan([{ type: 'aws_s3_bucket', change: { actions: ['create'] } }]), 'bad-plan', '$.resource_changes[0]'));
  it('refuses resource_changes that is not a list', () => fails(JSON.stringify({ format_version: '1.2', resource_changes: {} }), 'bad-plan', '$.resource_changes'));
});

describe('parsePlan reads', () => {
  it('every documented action list, replacements in both orders', () => {
    const actions = [['no-op'], ['create'], ['read'], ['update'], ['delete'], ['delete', 'create'], ['create', 'delete'], ['forget']];
    const result = parsePlan(plan(actions.map((a, i) => ({ ...change(a), address: `aws_sqs_queue.q${i}` }))));
    assert.ok(result.ok);
    assert.deepEqual(
      result.value.resourceChanges.map((c) => c.action),
      ['no-op', 'create', 'read', 'update', 'delete', 'replace-delete-first', 'replace-create-first', 'forget'],
    );
  });

  it('provider configurations with their region, alias and default_tags', () => {
    const result = parsePlan(readFileSync(join(FIXTURES, 'tag-policy/plan.json'), 'utf8'));
    assert.ok(result.ok);
    assert.deepEqual(result.value.providers.get('aws.tagged'), { key: 'aws.tagged', name: 'aws', alias: 'tagged', region: 'eu-west-1', moduleAddress: '', configured: true, defaultTags: { env: 'prod', team: 'payments' } });
    assert.equal(result.value.configResources.get('aws_instance.default_tagged_worker')?.providerConfigKey, 'aws.tagged');
  });

  it('redacts every sensitive value at ingestion, at any depth', () => {
    const text = plan([
      change(['create'], {
        after: { name: 'q', password: 'hunter2-secret', env: [{ variables: { DB: 'nested-secret', PLAIN: 'visible' } }] },
        after_sensitive: { password: true, env: [{ variables: { DB: true } }] },
        before_sensitive: false,
      }),
    ]);
    const result = parsePlan(text);
    assert.ok(result.ok);
    const after = result.value.resourceChanges[0]!.after as Record<string, unknown>;
    assert.equal(after.password, REDACTED);
    assert.deepEqual(after.env, [{ variables: { DB: REDACTED, PLAIN: 'visible' } }]);
    assert.deepEqual([...result.value.secrets].sort(), ['hunter2-secret', 'nested-secret']);
    assert.ok(!JSON.stringify(result.value.resourceChanges).includes('secret'));
  });
});
