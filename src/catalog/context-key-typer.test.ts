import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkContext } from '../policy/index.ts';
import { contextKeyTyper } from './context-key-typer.ts';
import { loadCatalog } from './load-catalog.ts';

describe('contextKeyTyper (the installed catalog)', () => {
  const typeOf = contextKeyTyper(loadCatalog());

  it('types AWS global keys from the engine list, ignoring case', () => {
    assert.deepEqual(typeOf('aws:MultiFactorAuthPresent'), ['Bool']);
    assert.deepEqual(typeOf('AWS:SOURCEIP'), ['IPAddress']);
    assert.deepEqual(typeOf('aws:EpochTime'), ['Date', 'Numeric']);
    assert.deepEqual(typeOf('aws:RequestTag/team'), ['String']);
  });

  it('types service keys from the catalog, by pattern for keys with a tag key, an ArrayOf type per value', () => {
    assert.deepEqual(typeOf('s3:max-keys'), ['Numeric']);
    assert.deepEqual(typeOf('s3:ExistingObjectTag/Team'), ['String']);
    assert.deepEqual(typeOf('s3:AccessGrantsInstanceArn'), ['ARN']);
    assert.deepEqual(typeOf('ec2:Encrypted'), ['Bool']);
    assert.deepEqual(typeOf('iam:PermissionsBoundary'), ['ARN']);
  });

  it('leaves unknown keys untyped: accepted as strings', () => {
    assert.equal(typeOf('example:BinaryValue'), undefined);
    assert.equal(typeOf('s3:NoSuchKey'), undefined);
    assert.deepEqual(checkContext({ 'example:Anything': 'x', 's3:NoSuchKey': ['a', 'b'] }, typeOf), []);
  });

  it('checks service keys: `s3:max-keys=ten` and a non-boolean `ec2:Encrypted` are invalid', () => {
    const problems = checkContext({ 's3:max-keys': 'ten', 'ec2:Encrypted': 'yes', 's3:prefix': 'home/' }, typeOf);
    assert.deepEqual(
      problems.map((p) => p.message),
      ['context key `s3:max-keys`: `ten` is not a number', 'context key `ec2:Encrypted`: `yes` is not a boolean: expected `true` or `false`'],
    );
  });
});

