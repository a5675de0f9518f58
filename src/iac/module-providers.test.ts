/**
 * Providers of child modules decide `aws:RequestedRegion` and `default_tags`: a provider passed to
 * a module (`providers = { aws = aws.west }`), a module's own provider block, nested modules
 * inheriting their caller's provider, instance keys, and module-relative references. The plans are
 * built as Terraform's JSON output format documents them
 * (https://developer.hashicorp.com/terraform/internals/json-format, "Configuration Representation":
 * `provider_config` is one map for the whole module tree, keyed `aws`, `aws.west` in the root module
 * and `module.NAME:aws` in a module, with the provider's `module_address`; a resource's
 * `provider_config_key` names its entry; `module_calls[NAME].module` holds the child module's
 * resources with addresses relative to it; resource changes carry absolute addresses with instance
 * keys).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureOrganization } from './fixture-policies.test-support.ts';
import { buildRequests, type PlannedChange } from './build-requests.ts';
import { parsePlan } from './parse-plan.ts';
import { configAddress, moduleInstance } from './plan-addresses.ts';
import { runPreflight } from './preflight.ts';

const org = fixtureOrganization();

const provider = (name: string, alias: string | undefined, moduleAddress: string, expressions?: object) => ({
  name,
  full_name: 'registry.terraform.io/hashicorp/aws',
  ...(alias !== undefined ? { alias } : {}),
  ...(moduleAddress !== '' ? { module_address: moduleAddress } : {}),
  ...(expressions !== undefined ? { expressions } : {}),
});
const region = (r: string) => ({ region: { constant_value: r } });
const defaultTags = (tags: Record<string, string>) => ({ default_tags: [{ tags: { constant_value: tags } }] });

/** a queue created in a module: the change (absolute address) and the module's configuration (relative) */
const queue = (address: string, name: string) => ({
  address,
  module_address: moduleInstance(address),
  mode: 'managed',
  type: 'aws_sqs_queue',
  name: configAddress(address).split('.').at(-1),
  provider_name: 'registry.terraform.io/hashicorp/aws',
  change: { actions: ['create'], before: null, after: { name, tags: { service: 'q' } }, after_unknown: { arn: true, tags_all: true }, before_sensitive: false, after_sensitive: {} },
});
const configured = (type: string, name: string, key: string, expressions: object = {}) => ({ address: `${type}.${name}`, mode: 'managed', type, name, provider_config_key: key, expressions });

const plan = {
  format_version: '1.2',
  terraform_version: '1.11.0',
  variables: { region: { value: 'eu-west-1' } },
  resource_changes: [
    queue('aws_sqs_queue.root', 'app-root'),
    queue('module.west["a"].aws_sqs_queue.q[0]', 'app-west'),
    queue('module.legacy.aws_sqs_queue.q', 'app-legacy'),
    queue('module.own.aws_sqs_queue.q', 'app-own'),
    queue('module.outer.module.inner.aws_sqs_queue.q', 'app-inner'),
    queue('module.untagged.aws_sqs_queue.q', 'app-untagged'),
  ],
  configuration: {
    provider_config: {
      aws: provider('aws', undefined, '', { region: { references: ['var.region'] }, ...defaultTags({ team: 'root' }) }),
      'aws.west': provider('aws', 'west', '', { ...region('us-west-2'), ...defaultTags({ team: 'west' }) }),
      // required by the module, configured by its caller
      'module.legacy:aws': provider('aws', undefined, 'module.legacy'),
      'module.own:aws': provider('aws', undefined, 'module.own', { ...region('eu-central-1'), ...defaultTags({ team: 'own' }) }),
      'module.outer:aws': provider('aws', undefined, 'module.outer', { ...region('eu-central-1'), ...defaultTags({ team: 'outer' }) }),
      'module.outer.module.inner:aws': provider('aws', undefined, 'module.outer.module.inner'),
      // default_tags known only at apply: the requests' tags are not known either
      'module.untagged:aws': provider('aws', undefined, 'module.untagged', { ...region('eu-west-1'), default_tags: [{ tags: { references: ['local.tags'] } }] }),
    },
    root_module: {
      resources: [configured('aws_sqs_queue', 'root', 'aws')],
      module_calls: {
        // `providers = { aws = aws.west }`: Terraform writes the caller's key
        west: { source: './queue', for_each_expression: { constant_value: ['a'] }, module: { resources: [configured('aws_sqs_queue', 'q', 'aws.west')] } },
        legacy: { source: './queue', module: { resources: [configured('aws_sqs_queue', 'q', 'module.legacy:aws')] } },
        own: { source: './queue', module: { resources: [configured('aws_sqs_queue', 'q', 'module.own:aws')] } },
        outer: { source: './outer', module: { module_calls: { inner: { source: './queue', module: { resources: [configured('aws_sqs_queue', 'q', 'module.outer.module.inner:aws')] } } } } },
        untagged: { source: './queue', module: { resources: [configured('aws_sqs_queue', 'q', 'module.untagged:aws')] } },
      },
    },
  },
};

function planned(): Map<string, PlannedChange> {
  const parsed = parsePlan(JSON.stringify(plan));
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
  return new Map(buildRequests({ account: org.account, plan: parsed.value }).map((p) => [p.change.address, p]));
}

describe('providers of child modules', () => {
  const changes = planned();
  const create = (address: string) => changes.get(address)!.requests.find((r) => r.action === 'sqs:CreateQueue')!;

  const cases: [string, string, string, string][] = [
    ['aws_sqs_queue.root', 'aws', 'eu-west-1', 'root'],
    ['module.west["a"].aws_sqs_queue.q[0]', 'aws.west', 'us-west-2', 'west'],
    ['module.legacy.aws_sqs_queue.q', 'aws', 'eu-west-1', 'root'],
    ['module.own.aws_sqs_queue.q', 'module.own:aws', 'eu-central-1', 'own'],
    ['module.outer.module.inner.aws_sqs_queue.q', 'module.outer:aws', 'eu-central-1', 'outer'],
  ];
  for (const [address, key, want, team] of cases) {
    it(`${address}: provider \`${key}\`, ${want}, default tag team=${team}`, () => {
      const p = changes.get(address)!;
      assert.deepEqual([p.provider, p.region], [key, want]);
      const request = create(address);
      assert.equal(request.context['aws:RequestedRegion'], want);
      assert.equal(request.resource, `arn:aws:sqs:${want}:${org.account}:${(p.change.after as { name: string }).name}`);
      assert.equal(request.context['aws:RequestTag/team'], team);
      assert.deepEqual(request.context['aws:TagKeys'], ['service', 'team']);
      assert.deepEqual(request.unknown, []);
    });
  }

  it('default_tags known only at apply: the tags are unknown, never taken as none', () => {
    const request = create('module.untagged.aws_sqs_queue.q');
    assert.equal(request.context['aws:RequestedRegion'], 'eu-west-1');
    assert.ok(request.unknown.includes('tags'));
  });

  it('the guardrails decide each by its own provider: the passed us-west-2 provider is denied by the region SCP, the rest allowed', () => {
    const result = runPreflight(JSON.stringify(plan), { account: org.account, policies: org.policies, deployer: { principal: org.principal, roleArn: org.roleArn } });
    assert.ok(result.ok);
    const decision = (address: string) => result.value.changes.find((c) => c.change.address === address)?.decision;
    assert.equal(decision('module.west["a"].aws_sqs_queue.q[0]'), 'ExplicitDeny');
    for (const address of ['aws_sqs_queue.root', 'module.legacy.aws_sqs_queue.q', 'module.own.aws_sqs_queue.q', 'module.outer.module.inner.aws_sqs_queue.q']) assert.equal(decision(address), 'Allow', address);
    assert.notEqual(decision('module.untagged.aws_sqs_queue.q'), 'Allow');
  });

  it('a module provider whose region is a module variable: the caller\'s expression, up to the root module\'s variables', () => {
    const doc = structuredClone(plan) as unknown as { resource_changes: unknown[]; configuration: { provider_config: Record<string, unknown>; root_module: { module_calls: Record<string, unknown> } } };
    doc.resource_changes.push(queue('module.regional.module.leaf.aws_sqs_queue.q', 'app-leaf'), queue('module.each["x"].aws_sqs_queue.q', 'app-each'));
    doc.configuration.provider_config['module.regional.module.leaf:aws'] = provider('aws', undefined, 'module.regional.module.leaf', { region: { references: ['var.where'] } });
    doc.configuration.provider_config['module.each:aws'] = provider('aws', undefined, 'module.each', { region: { references: ['var.region'] } });
    doc.configuration.root_module.module_calls.regional = {
      source: './regional',
      expressions: { home: { references: ['var.region'] } },
      module: { module_calls: { leaf: { source: './queue', expressions: { where: { references: ['var.home'] } }, module: { resources: [configured('aws_sqs_queue', 'q', 'module.regional.module.leaf:aws')] } } } },
    };
    // a per-instance region (`each.value`) is not known
    doc.configuration.root_module.module_calls.each = { source: './queue', for_each_expression: { constant_value: { x: 'eu-west-1' } }, expressions: { region: { references: ['each.value'] } }, module: { resources: [configured('aws_sqs_queue', 'q', 'module.each:aws')] } };
    const parsed = parsePlan(JSON.stringify(doc));
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
    const built = new Map(buildRequests({ account: org.account, plan: parsed.value }).map((p) => [p.change.address, p]));
    assert.equal(built.get('module.regional.module.leaf.aws_sqs_queue.q')!.region, 'eu-west-1');
    assert.equal(built.get('module.each["x"].aws_sqs_queue.q')!.region, undefined);
  });

  it('a provider with no region anywhere leaves the region unknown: not decided', () => {
    const bare = structuredClone(plan) as unknown as { configuration: { provider_config: Record<string, unknown> } };
    bare.configuration.provider_config = { aws: provider('aws', undefined, '') };
    const parsed = parsePlan(JSON.stringify(bare));
    assert.ok(parsed.ok);
    const legacy = buildRequests({ account: org.account, plan: parsed.value }).find((p) => p.change.address === 'module.legacy.aws_sqs_queue.q')!;
    assert.equal(legacy.region, undefined);
    assert.ok(legacy.requests.every((r) => r.unknown.includes('region')));
  });
});

describe('addresses across modules', () => {
  it('instance keys, quoted keys with dots and brackets, nested modules', () => {
    assert.equal(configAddress('module.a["x.y[1]"].module.b[0].aws_s3_bucket.c["k"]'), 'module.a.module.b.aws_s3_bucket.c');
    assert.equal(moduleInstance('module.a["x.y"].module.b[0].aws_s3_bucket.c'), 'module.a["x.y"].module.b[0]');
    assert.equal(moduleInstance('aws_s3_bucket.c'), '');
  });

  it('a reference inside a module names the resource of that module instance', () => {
    const role = (address: string, name: string) => ({
      address,
      module_address: moduleInstance(address),
      mode: 'managed',
      type: 'aws_iam_role',
      name: 'r',
      change: { actions: ['create'], before: null, after: { name, path: '/', assume_role_policy: '{}' }, after_unknown: { arn: true } },
    });
    const policy = (address: string) => ({
      address,
      module_address: moduleInstance(address),
      mode: 'managed',
      type: 'aws_iam_role_policy',
      name: 'p',
      change: { actions: ['create'], before: null, after: { name: 'p', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] }) }, after_unknown: { role: true } },
    });
    const text = JSON.stringify({
      format_version: '1.2',
      resource_changes: [role('aws_iam_role.r', 'root-role'), role('module.m.aws_iam_role.r', 'module-role'), policy('module.m.aws_iam_role_policy.p')],
      configuration: {
        provider_config: { aws: provider('aws', undefined, '', region('eu-west-1')) },
        root_module: {
          resources: [configured('aws_iam_role', 'r', 'aws')],
          module_calls: { m: { source: './m', module: { resources: [configured('aws_iam_role', 'r', 'aws'), configured('aws_iam_role_policy', 'p', 'aws', { role: { references: ['aws_iam_role.r.name', 'aws_iam_role.r'] } })] } } },
        },
      },
    });
    const parsed = parsePlan(text);
    assert.ok(parsed.ok);
    const put = buildRequests({ account: org.account, plan: parsed.value }).find((p) => p.change.address === 'module.m.aws_iam_role_policy.p')!.requests[0]!;
    assert.equal(put.resource, `arn:aws:iam::${org.account}:role/module-role`);
  });
});
