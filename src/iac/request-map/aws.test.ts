import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../catalog/load-catalog.ts';
import { AWS_REQUEST_MAP } from './aws.ts';

const catalog = loadCatalog();

test('every action of the request map is an action of the AWS catalog, and an ARN is one of its resource types', () => {
  const typeOf = (arn: string) => {
    // arn:aws:SERVICE:REGION:ACCOUNT:TYPE/… or TYPE:…; S3 buckets and objects have no type in the ARN
    const rest = arn.split(':').slice(5).join(':');
    if (arn.startsWith('arn:aws:s3:::')) return rest.includes('/') ? 'object' : 'bucket';
    if (arn.startsWith('arn:aws:sqs:')) return 'queue';
    if (arn.startsWith('arn:aws:sns:')) return 'topic';
    // an alias's name is `alias/NAME`
    if (arn.startsWith('arn:aws:kms:') && (rest.startsWith('alias/') || rest === '{name}')) return 'alias';
    return /^[a-z-]+/.exec(rest)?.[0];
  };
  for (const mapping of AWS_REQUEST_MAP) {
    for (const spec of [...mapping.create, ...(mapping.update ?? []), ...mapping.delete]) {
      const action = catalog.findAction(spec.action);
      assert.ok(action, `${mapping.type}: ${spec.action} is a known action`);
      assert.equal(action.action, spec.action, `${mapping.type}: ${spec.action} in AWS's case`);
      if (!spec.resource.startsWith('arn:')) continue;
      const type = typeOf(spec.resource);
      // the catalog names types in its own case (`Secret`, `eventSourceMapping`)
      const norm = (t: string) => t.toLowerCase().replace(/-/g, '');
      assert.ok(type !== undefined && action.resourceTypes.some((t) => norm(t) === norm(type)), `${mapping.type}: ${spec.action} on a ${type} (${action.resourceTypes.join(', ')})`);
    }
  }
});
