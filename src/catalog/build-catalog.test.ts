import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionInfo } from './catalog.ts';
import { ParapetError } from '../policy/index.ts';
import { buildCatalog } from './build-catalog.ts';
import type { IamData } from './read-iam-data.ts';

const info = (service: string, name: string): ActionInfo => ({
  service,
  name,
  action: `${service}:${name}`,
  accessLevel: 'Read',
  resourceTypes: [],
  conditionKeys: [],
});

function data(overrides: Partial<IamData> = {}): IamData {
  return {
    services: [
      { prefix: 'zeta', name: 'Zeta', actions: [info('zeta', 'Write'), info('zeta', 'read'), info('zeta', 'List')] },
      { prefix: 'alpha', name: 'Alpha', actions: [info('alpha', 'Go')] },
    ],
    rcpSupportedServices: ['ALPHA'],
    conditionKeysOf: () => [{ key: 'zeta:b', type: 'String' }, { key: 'aws:A', type: 'String' }],
    ...overrides,
  };
}

describe('buildCatalog', () => {
  it('names a shared prefix after its own service, and keeps a name it does not know', () => {
    const catalog = buildCatalog(
      data({
        services: [
          { prefix: 'cloudformation', name: 'AWS Cloud Control API', actions: [] },
          { prefix: 'lex', name: 'Amazon Lex (renamed)', actions: [] },
        ],
      }),
    );
    assert.equal(catalog.serviceName('CloudFormation'), 'AWS CloudFormation');
    assert.equal(catalog.serviceName('lex'), 'Amazon Lex (renamed)');
  });

  it('sorts services and actions', () => {
    const catalog = buildCatalog(data());
    assert.deepEqual(catalog.services(), ['alpha', 'zeta']);
    assert.deepEqual(
      catalog.actionsOf('zeta').map((a) => a.name),
      ['List', 'read', 'Write'],
    );
  });

  it('reads condition keys once per service, sorted ignoring case', () => {
    let reads = 0;
    const catalog = buildCatalog(
      data({
        conditionKeysOf: () => {
          reads++;
          return [{ key: 'zeta:b', type: 'String' }, { key: 'aws:A', type: 'String' }];
        },
      }),
    );
    assert.deepEqual(catalog.conditionKeysOf('ZETA'), ['aws:A', 'zeta:b']);
    catalog.conditionKeysOf('zeta');
    catalog.conditionKeysOf('nope');
    assert.equal(reads, 1);
  });

  it('gives a condition key\'s type, matching a key with a variable part by pattern and ignoring case', () => {
    const catalog = buildCatalog(
      data({
        conditionKeysOf: (prefix) =>
          prefix === 'zeta'
            ? [
                { key: 'zeta:Encrypted', type: 'Bool' },
                { key: 'zeta:ObjectTag/${TagKey}', type: 'String' },
                { key: 'zeta:Size.${Unit}.limit', type: 'Numeric' },
              ]
            : [],
      }),
    );
    assert.equal(catalog.conditionKeyType('ZETA:encrypted'), 'Bool');
    assert.equal(catalog.conditionKeyType('zeta:ObjectTag/team'), 'String');
    assert.equal(catalog.conditionKeyType('zeta:size.mb.limit'), 'Numeric');
    assert.equal(catalog.conditionKeyType('zeta:sizeXmbXlimit'), undefined, 'a dot in a key is not a wildcard');
    assert.equal(catalog.conditionKeyType('zeta:ObjectTag/'), undefined, 'the variable part is not empty');
    assert.equal(catalog.conditionKeyType('zeta:Other'), undefined);
    assert.equal(catalog.conditionKeyType('nope:Encrypted'), undefined);
    assert.equal(catalog.conditionKeyType('Encrypted'), undefined);
  });

  it('lower-cases RCP services', () => {
    assert.deepEqual([...buildCatalog(data()).rcpSupportedServices()], ['alpha']);
  });

  it('rejects a service or an action listed twice', () => {
    const twice = (error: unknown) => error instanceof ParapetError && error.code === 'catalog-data-invalid';
    const alpha = { prefix: 'alpha', name: 'Alpha', actions: [info('alpha', 'Go')] };
    assert.throws(() => buildCatalog(data({ services: [alpha, alpha] })), twice);
    assert.throws(() => buildCatalog(data({ services: [{ ...alpha, actions: [info('alpha', 'Go'), info('alpha', 'GO')] }] })), twice);
  });
});
