import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog } from './load-catalog.ts';

const catalog = loadCatalog();

describe('loadCatalog', () => {
  it('loads once and shares the result', () => {
    assert.equal(loadCatalog(), catalog);
  });

  it('lists hundreds of lower-case service prefixes, sorted', () => {
    const services = catalog.services();
    assert.ok(services.length > 400, `only ${services.length} services`);
    assert.ok(services.every((prefix) => prefix === prefix.toLowerCase()));
    assert.deepEqual([...services], [...services].sort());
    for (const prefix of ['s3', 'iam', 'ec2', 'sts', 'kms', 'lambda', 'organizations']) assert.ok(services.includes(prefix), prefix);
  });

  it('names services, ignoring case', () => {
    assert.equal(catalog.serviceName('s3'), 'Amazon S3');
    assert.equal(catalog.serviceName('EC2'), 'Amazon EC2');
    assert.equal(catalog.serviceName('s4'), undefined);
    // a prefix several services share is named after its own service, not the last one listed
    assert.match(catalog.serviceName('cloudformation') ?? '', /CloudFormation/);
    assert.equal(catalog.serviceName('cloudformation'), 'AWS CloudFormation');
    assert.equal(catalog.serviceName('elasticloadbalancing'), 'AWS Elastic Load Balancing');
  });

  it('knows services ignoring case', () => {
    assert.equal(catalog.isKnownService('IAM'), true);
    assert.equal(catalog.isKnownService('s4'), false);
    assert.equal(catalog.isKnownService(''), false);
  });

  it('finds s3:GetObject in any case, with its canonical case, level, resource types and keys', () => {
    for (const name of ['s3:GetObject', 'S3:getobject', 'S3:GETOBJECT']) {
      const info = catalog.findAction(name);
      assert.ok(info, name);
      assert.equal(info.service, 's3');
      assert.equal(info.name, 'GetObject');
      assert.equal(info.action, 's3:GetObject');
      assert.equal(info.accessLevel, 'Read');
      assert.ok(info.resourceTypes.includes('object'));
      assert.ok(info.conditionKeys.includes('s3:ExistingObjectTag/<key>'));
    }
  });

  it('reduces the package\'s combined access levels to the specific one', () => {
    // the package says `Permissions management, Write` and `Tagging, Write`
    assert.equal(catalog.findAction('iam:PutRolePolicy')?.accessLevel, 'Permissions management');
    assert.equal(catalog.findAction('s3:PutBucketPolicy')?.accessLevel, 'Permissions management');
    assert.equal(catalog.findAction('s3:PutObjectTagging')?.accessLevel, 'Tagging');
    assert.equal(catalog.findAction('ec2:CreateTags')?.accessLevel, 'Tagging');
    assert.equal(catalog.findAction('s3:PutObject')?.accessLevel, 'Write');
    assert.equal(catalog.findAction('iam:PassRole')?.accessLevel, 'Write');
    assert.equal(catalog.findAction('s3:ListBucket')?.accessLevel, 'List');
    assert.equal(catalog.findAction('iam:GetRole')?.accessLevel, 'Read');
  });

  it('uses every access level across the data', () => {
    const levels = new Set(catalog.services().flatMap((prefix) => catalog.actionsOf(prefix).map((info) => info.accessLevel)));
    assert.deepEqual([...levels].sort(), ['List', 'Permissions management', 'Read', 'Tagging', 'Write']);
  });

  it('gives wildcard-only actions no resource types', () => {
    assert.deepEqual(catalog.findAction('s3:ListAllMyBuckets')?.resourceTypes, []);
    assert.deepEqual(catalog.findAction('iam:ListRoles')?.resourceTypes, []);
    assert.deepEqual(catalog.findAction('iam:PutRolePolicy')?.resourceTypes, ['role']);
  });

  it('merges the condition keys of an action and of its resource types', () => {
    const runInstances = catalog.findAction('ec2:RunInstances');
    assert.ok(runInstances);
    // ec2:Region is listed for the action, ec2:ImageType and aws:ResourceTag for resource types
    for (const key of ['ec2:Region', 'ec2:ImageType', 'aws:ResourceTag/${TagKey}']) assert.ok(runInstances.conditionKeys.includes(key), key);
    assert.equal(new Set(runInstances.conditionKeys).size, runInstances.conditionKeys.length);
  });

  it('answers isKnownAction ignoring case, and only for whole names', () => {
    assert.equal(catalog.isKnownAction('sts:AssumeRole'), true);
    assert.equal(catalog.isKnownAction('STS:assumerole'), true);
    assert.equal(catalog.isKnownAction('sts:AssumeRol'), false);
    assert.equal(catalog.isKnownAction('sts:*'), false);
    assert.equal(catalog.isKnownAction('AssumeRole'), false);
    assert.equal(catalog.findAction('s4:GetObject'), undefined);
  });

  it('lists a service\'s actions sorted by name, and nothing for an unknown service', () => {
    const s3 = catalog.actionsOf('S3');
    assert.ok(s3.length > 100);
    assert.ok(s3.every((info) => info.service === 's3' && info.action === `s3:${info.name}`));
    const names = s3.map((info) => info.name.toLowerCase());
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(catalog.actionsOf('s4'), []);
  });

  it('has no two actions with the same name ignoring case', () => {
    const all = catalog.services().flatMap((prefix) => catalog.actionsOf(prefix).map((info) => info.action.toLowerCase()));
    assert.ok(all.length > 20_000, `only ${all.length} actions`);
    assert.equal(new Set(all).size, all.length);
  });

  it('hands out frozen values', () => {
    const info = catalog.findAction('s3:GetObject');
    assert.ok(Object.isFrozen(info));
    assert.ok(Object.isFrozen(info?.conditionKeys));
    assert.ok(Object.isFrozen(catalog.actionsOf('s3')));
    assert.ok(Object.isFrozen(catalog.services()));
  });

  it('lists a service\'s condition keys in AWS\'s case, including the global ones it supports', () => {
    const keys = catalog.conditionKeysOf('S3');
    for (const key of ['s3:prefix', 's3:x-amz-acl', 'aws:ResourceTag/${TagKey}']) assert.ok(keys.includes(key), key);
    assert.equal(catalog.conditionKeysOf('s3'), keys);
    assert.deepEqual(catalog.conditionKeysOf('s4'), []);
    assert.deepEqual(catalog.conditionKeysOf('../actions/s3'), []);
  });

  it('covers every action condition key in its service\'s condition keys', () => {
    for (const prefix of ['s3', 'iam', 'ec2', 'kms']) {
      const known = new Set(catalog.conditionKeysOf(prefix).map((key) => key.toLowerCase()));
      for (const info of catalog.actionsOf(prefix)) {
        for (const key of info.conditionKeys) assert.ok(known.has(key.toLowerCase()), `${info.action}: ${key}`);
      }
    }
  });

  it('lists the services that support resource control policies', () => {
    const rcp = catalog.rcpSupportedServices();
    for (const prefix of ['s3', 'sts', 'kms', 'sqs', 'secretsmanager']) assert.ok(rcp.has(prefix), prefix);
    assert.equal(rcp.has('ec2'), false);
    for (const prefix of rcp) assert.ok(catalog.isKnownService(prefix), prefix);
  });
});
