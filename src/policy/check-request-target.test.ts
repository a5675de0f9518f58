import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkRequestAction, checkRequestResource } from './check-request-target.ts';

describe('checkRequestAction: one `service:Action`', () => {
  test('accepts actions as the catalog names them', () => {
    for (const action of ['s3:GetObject', 'sqs:DeleteQueue', 'execute-api:Invoke', 'S3:getobject', 'kafka-cluster:Connect', 'a4b:Put_Thing']) {
      assert.equal(checkRequestAction(action), undefined, action);
    }
  });
  test('rejects empty actions, patterns and anything not `service:Action`', () => {
    assert.equal(checkRequestAction(''), 'the action is empty: expected one `service:Action`, such as `s3:GetObject`');
    for (const pattern of ['*', 's3:*', 's3:Get*', 's3:GetObjec?', '*:GetObject']) {
      assert.equal(checkRequestAction(pattern), `\`${pattern}\` is not an action: a request makes one action, not a pattern`);
    }
    for (const garbage of ['GetObject', 's3:', ':GetObject', 's3:Get Object', 's3:GetObject:x', 's3 :GetObject', 's3.GetObject']) {
      assert.equal(checkRequestAction(garbage), `\`${garbage}\` is not an action: expected \`service:Action\`, such as \`s3:GetObject\``);
    }
  });
});

describe('checkRequestResource: an ARN, or `*`', () => {
  test('accepts `*` and ARNs with a partition and a service, as the case corpus writes them', () => {
    for (const resource of ['*', 'arn:aws:s3:::bucket/key', 'arn:aws:s3:::bucket', 'arn:aws:iam::111111111111:role/admin', 'arn:aws:sqs:eu-west-1:111111111111:jobs', 'arn:aws-cn:ec2:cn-north-1:111111111111:instance/*']) {
      assert.equal(checkRequestResource(resource), undefined, resource);
    }
  });
  test('rejects the empty string and anything that is not an ARN', () => {
    assert.equal(checkRequestResource(''), 'the resource is empty: expected an ARN, or `*` for an action that takes no resource');
    for (const garbage of ['garbage', 'bucket/key', '111111111111', 'arn:aws:s3', 'arn::s3:::b', 'arn:aws::::x', '**']) {
      assert.equal(checkRequestResource(garbage), `\`${garbage}\` is not an ARN (\`arn:partition:service:region:account:resource\`) or \`*\``, garbage);
    }
  });
});
