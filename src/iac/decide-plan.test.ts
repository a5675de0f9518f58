import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../policy/index.ts';
import { runPreflight } from './preflight.ts';

const allowAll = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }), { type: 'identity', name: 'allow-all' });
assert.ok(allowAll.ok);
const options = { account: '111111111111', policies: { identity: [allowAll.value], scps: [], rcps: [] }, deployer: { principal: 'arn:aws:iam::111111111111:role/deployer' } };

const provider = { aws: { name: 'aws', expressions: { region: { constant_value: 'eu-west-1' } } } };
function planWith(change: Record<string, unknown>, expressions: Record<string, unknown> = {}): string {
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: [{ address: `${String(change.type)}.x`, mode: 'managed', name: 'x', ...change }],
    configuration: { provider_config: provider, root_module: { resources: [{ address: `${String(change.type)}.x`, provider_config_key: 'aws', expressions }] } },
  });
}

describe('decisions on values unknown at plan time', () => {
  it('a bucket whose name is known only after apply is undecidable, even under allow-all', () => {
    const result = runPreflight(planWith({ type: 'aws_s3_bucket', change: { actions: ['create'], before: null, after: { tags: null }, after_unknown: { bucket: true } } }, { bucket: { references: ['random_id.suffix.hex'] } }), options);
    assert.ok(result.ok);
    const [change] = result.value.changes;
    assert.equal(change!.decision, 'Unknown');
    assert.deepEqual(change!.requests[0]!.unknown, ['bucket']);
    assert.equal(result.value.passed, false);
  });

  it('IAM requests go to us-east-1 whatever the provider region; a delete is built from the prior values', () => {
    const result = runPreflight(planWith({ type: 'aws_iam_role', change: { actions: ['delete'], before: { name: 'app-x', path: '/', tags_all: {} }, after: null, after_unknown: {} } }), options);
    assert.ok(result.ok);
    const request = result.value.changes[0]!.requests[0]!;
    assert.deepEqual([request.action, request.resource, request.context['aws:RequestedRegion'], request.decision], ['iam:DeleteRole', 'arn:aws:iam::111111111111:role/app-x', 'us-east-1', 'Allow']);
    assert.equal(result.value.changes[0]!.region, 'global');
  });

  it('a provider whose region is not a constant makes its requests undecidable', () => {
    const text = planWith({ type: 'aws_sqs_queue', change: { actions: ['create'], before: null, after: { name: 'q', tags_all: {} }, after_unknown: {} } }).replace('"region":{"constant_value":"eu-west-1"}', '"region":{"references":["var.region"]}');
    const result = runPreflight(text, options);
    assert.ok(result.ok);
    assert.equal(result.value.changes[0]!.decision, 'Unknown');
    assert.ok(result.value.changes[0]!.requests[0]!.unknown.includes('region'));
  });
});
