import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { formatPrincipalRef, loadConfigDir, type OrgConfig } from '../org/index.ts';
import { parsePolicy } from '../policy/index.ts';
import { allPrincipals, whoCan, type WhoCanQuery } from './who-can.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/org-small', import.meta.url));
const ACME = fileURLToPath(new URL('../../examples/acme', import.meta.url));

function load(dir: string): OrgConfig {
  const parsed = loadConfigDir(dir);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.value;
}

const config = load(FIXTURE);
const rcpServices = loadCatalog().rcpSupportedServices();

/** `principal permission set account via status` per entry, and how many triples were decided */
function who(query: WhoCanQuery, on: OrgConfig = config) {
  const result = whoCan(on, query, { rcpServices });
  assert.ok(result.ok);
  return {
    entries: result.value.entries.map((e) => `${formatPrincipalRef(e.principal)} ${e.permissionSet} ${e.account} ${e.via} ${e.status}`),
    checked: result.value.checked,
    result: result.value,
  };
}

describe('whoCan on the small organization (expectations computed by hand from its policies)', () => {
  test('principals: groups, then users in the order groups list them, then service accounts', () => {
    assert.deepEqual(allPrincipals(config).map(formatPrincipalRef), ['group:readers', 'group:ops', 'user:rita@example.com', 'user:otto@example.com', 'service:ci']);
  });

  test('deleting a dev queue: the operators in dev, conditional on the region and TLS; prod principals are in another account', () => {
    const { entries, checked, result } = who({ action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs' });
    assert.deepEqual(entries, [
      'group:ops operator dev standing conditional',
      'user:rita@example.com operator dev standing conditional',
      'user:otto@example.com operator dev standing conditional',
    ]);
    // readers: 2, ops: 2, rita: 4 (reader ×2, operator, admin), otto: 2, ci: 1
    assert.equal(checked, 11);
    const first = result.entries[0];
    assert.deepEqual(first?.conditionKeys, ['aws:RequestedRegion', 'aws:SecureTransport']);
    assert.deepEqual(first?.example, { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' });
    assert.deepEqual(result.entries[1]?.groups, ['ops']);
  });

  test('with the region and TLS known, the same access is unconditional', () => {
    const { entries } = who({
      action: 'sqs:DeleteQueue',
      resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs',
      context: { 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' },
    });
    assert.deepEqual(entries, ['group:ops operator dev standing allowed', 'user:rita@example.com operator dev standing allowed', 'user:otto@example.com operator dev standing allowed']);
  });

  test('deleting a prod queue: nobody, the prod guardrail denies the admin and the service account alike', () => {
    const { entries, checked } = who({ action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:eu-west-1:111111111111:jobs', account: 'prod' });
    assert.deepEqual(entries, []);
    // readers: reader; ops: admin; rita: reader, admin; otto: admin; ci: operator
    assert.equal(checked, 6);
  });

  test('reading a role: global IAM is outside the region guardrail, so allowed without conditions, eligible access included', () => {
    const { entries } = who({ action: 'iam:GetRole', resource: '*' });
    assert.deepEqual(entries, [
      'group:readers reader prod standing allowed',
      'group:readers reader dev standing allowed',
      'group:ops admin prod eligible allowed',
      'user:rita@example.com reader prod standing allowed',
      'user:rita@example.com reader dev standing allowed',
      'user:rita@example.com admin prod eligible allowed',
      'user:otto@example.com admin prod eligible allowed',
    ]);
  });

  test('--account narrows to principals working there, by name or id', () => {
    const byName = who({ action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs', account: 'dev' });
    const byId = who({ action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:eu-west-1:222222222222:jobs', account: '222222222222' });
    assert.deepEqual(byName.entries, byId.entries);
    assert.equal(byName.checked, 5);
  });

  test('an unknown account is an issue with a suggestion', () => {
    const result = whoCan(config, { action: 'sqs:DeleteQueue', resource: '*', account: 'deve' }, { rcpServices });
    assert.deepEqual(result.ok ? [] : result.issues, [{ code: 'unknown-account', severity: 'error', path: '$.account', message: 'unknown account `deve`: did you mean `dev`' }]);
  });
});

describe('whoCan on the acme example', () => {
  const acme = load(ACME);

  test('nobody can stop CloudTrail logging in the audit account, not even with break glass', () => {
    const { entries, checked } = who({ action: 'cloudtrail:StopLogging', resource: 'arn:aws:cloudtrail:eu-west-1:200000000001:trail/organization-trail', account: 'audit' }, acme);
    assert.deepEqual(entries, []);
    assert.ok(checked > 0);
  });

  test('deleting a production bucket: admins after elevation, with MFA; never developers, never the deployer without MFA', () => {
    const { result } = who({ action: 's3:DeleteBucket', resource: 'arn:aws:s3:::acme-payments-data', account: 'payments-prod' }, acme);
    const groups = result.entries.filter((e) => e.principal.kind === 'group' || e.principal.kind === 'serviceAccount');
    assert.deepEqual(
      groups.map((e) => `${formatPrincipalRef(e.principal)} ${e.permissionSet} ${e.via} ${e.status}`),
      ['group:payments-devs admin eligible conditional', 'group:platform-admins admin eligible conditional', 'group:incident-responders break-glass eligible conditional', 'service:deployer deployer standing conditional'],
    );
    for (const entry of groups) {
      // aws:PrincipalOrgID, which the data perimeter asks for, is supplied from `organization.id`
      assert.deepEqual(entry.conditionKeys, ['aws:MultiFactorAuthPresent', 'aws:RequestedRegion', 'aws:SecureTransport']);
      assert.equal(entry.example['aws:MultiFactorAuthPresent'], 'true');
    }
  });
});

describe('whoCan on many groups: work grows with the configuration, not with its square', () => {
  /**
   * The small organization with `n` more groups of two users each, every group assigned `reader`
   * in dev, and a count of the reads of assignments and of group member lists: a scan of the
   * configuration per principal (the quadratic step this guards against) reads them n² times.
   */
  function scaled(n: number) {
    const reads = { count: 0 };
    const counted = <T extends object>(value: T): T =>
      new Proxy(value, {
        get(target, property, receiver) {
          if (typeof property === 'string' && /^\d+$/.test(property)) reads.count++;
          return Reflect.get(target, property, receiver) as unknown;
        },
      });
    const groups = new Map(config.groups);
    const assignments = [...config.assignments];
    for (let i = 0; i < n; i++) {
      const name = `team-${i}`;
      groups.set(name, { ...config.groups.get('readers')!, name, members: counted([`u${i}@example.com`, `u${i + 1}@example.com`]) });
      assignments.push({ ...config.assignments[0]!, index: assignments.length, group: name, accounts: ['dev'] });
    }
    for (const [name, group] of groups) if (!name.startsWith('team-')) groups.set(name, { ...group, members: counted([...group.members]) });
    const big: OrgConfig = { ...config, groups, assignments: counted(assignments) };
    return { big, reads };
  }

  test('twice the groups: about twice the reads, the same answer for every group alike', () => {
    const measure = (n: number) => {
      const { big, reads } = scaled(n);
      const result = whoCan(big, { action: 'iam:GetRole', resource: '*', account: 'dev' }, { rcpServices });
      assert.ok(result.ok);
      // every group and every user of the added ones reads roles in dev through `reader`
      assert.equal(result.value.entries.filter((e) => e.principal.name.startsWith('team-')).length, n);
      assert.equal(result.value.entries.filter((e) => /^u\d+@/.test(e.principal.name)).length, n + 1);
      // one verdict for all the sessions of (dev, reader), one for (dev, operator): not one per principal
      assert.equal(result.value.searched, 2);
      return reads.count;
    };
    const small = measure(200);
    const large = measure(400);
    assert.ok(large < small * 2.5, `reads grew from ${small} to ${large} when the groups doubled`);
  });
});

describe('whoCan with the AWS example SCP "require a tag on specified created resources"', () => {
  // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_tagging.html
  const scp = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Sid: 'DenyRunInstanceWithNoProjectTag',
          Effect: 'Deny',
          Action: 'ec2:RunInstances',
          Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:*:*:volume/*'],
          Condition: { Null: { 'aws:RequestTag/Project': 'true' } },
        },
      ],
    },
    { type: 'scp', name: 'full-access' },
  );
  assert.ok(scp.ok);
  const definition = config.guardrails.get('full-access')!;
  const tagged: OrgConfig = { ...config, guardrails: new Map(config.guardrails).set('full-access', { ...definition, policy: scp.value }) };

  test('running an instance in prod: the admins after elevation, with the tag (not nobody)', () => {
    const { result } = who({ action: 'ec2:RunInstances', resource: 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc', account: 'prod' }, tagged);
    const groups = result.entries.filter((e) => e.principal.kind === 'group');
    assert.deepEqual(
      groups.map((e) => `${formatPrincipalRef(e.principal)} ${e.permissionSet} ${e.status}`),
      ['group:ops admin conditional'],
    );
    assert.ok(groups[0]?.conditionKeys.includes('aws:RequestTag/Project'));
    assert.ok(groups[0]?.example['aws:RequestTag/Project'] !== undefined);
    assert.deepEqual(result.undecided, []);
  });

  test('with the tag given, plain `parapet test` and who-can agree: allowed (with the region)', () => {
    const { entries } = who(
      {
        action: 'ec2:RunInstances',
        resource: 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc',
        account: 'prod',
        context: { 'aws:RequestTag/Project': 'apollo', 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'true' },
      },
      tagged,
    );
    assert.ok(entries.includes('group:ops admin prod eligible allowed'), entries.join('\n'));
  });
});

describe('whoCan when the search runs out of budget', () => {
  // 30 keys with values to try, and an Allow that no context meets (its key must be null and set at once)
  const keys = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`aws:PrincipalTag/k${i}`, 'x']));
  const policy = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { ...keys, 'aws:PrincipalTag/never': '${aws:PrincipalTag/k0}' }, Null: { 'aws:PrincipalTag/k0': 'true' } } }],
    },
    { type: 'identity', name: 'reader' },
  );
  assert.ok(policy.ok);
  const reader = config.permissionSets.get('reader')!;
  const exhausting: OrgConfig = { ...config, permissionSets: new Map(config.permissionSets).set('reader', { ...reader, policies: [{ ...reader.policies[0]!, policy: policy.value }] }) };

  test('the triples are listed as undecided, not left out: the answer is incomplete, never a plain "nobody"', () => {
    const { result } = who({ action: 'sqs:SendMessage', resource: '*', account: 'dev' }, exhausting);
    assert.deepEqual(
      result.undecided.map((u) => `${formatPrincipalRef(u.principal)} ${u.permissionSet} ${u.account}`),
      ['group:readers reader dev', 'user:rita@example.com reader dev'],
    );
    assert.ok(result.undecided[0]!.conditionKeys.includes('aws:PrincipalTag/k0'));
  });
});
