import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ParapetError } from '../policy/index.ts';
import { iamDataDir } from './iam-data-dir.ts';
import { readIamData } from './read-iam-data.ts';

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** a data folder in the package's layout */
function dataFolder(files: Record<string, unknown>): string {
  const folder = mkdtempSync(join(tmpdir(), 'parapet-iam-data-'));
  folders.push(folder);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return folder;
}

const action = (name: string, accessLevel = 'Read') => ({ name, accessLevel, resourceTypes: [], conditionKeys: ['aws:TagKeys'] });

const minimal = {
  'serviceNames.json': { demo: 'Demo Service' },
  'rcpSupportedServices.json': ['demo'],
  'actions/demo.json': { getthing: action('GetThing'), listthings: action('ListThings', 'List') },
  'conditionKeys/demo.json': { 'demo:thingname': { key: 'demo:ThingName', type: 'String' } },
};

const failsWith = (code: ParapetError['code'], pattern: RegExp) => (error: unknown) =>
  error instanceof ParapetError && error.code === code && pattern.test(error.message);

describe('readIamData', () => {
  it('reads services, their actions and the RCP list', () => {
    const data = readIamData(dataFolder(minimal));
    assert.deepEqual(
      data.services.map((service) => [service.prefix, service.name, service.actions.map((info) => info.action)]),
      [['demo', 'Demo Service', ['demo:GetThing', 'demo:ListThings']]],
    );
    assert.deepEqual(data.rcpSupportedServices, ['demo']);
  });

  it('shares equal lists between actions', () => {
    const [service] = readIamData(dataFolder(minimal)).services;
    assert.equal(service?.actions[0]?.conditionKeys, service?.actions[1]?.conditionKeys);
  });

  it('reads condition keys on demand, only for known services', () => {
    const data = readIamData(dataFolder(minimal));
    assert.deepEqual(data.conditionKeysOf('demo'), [{ key: 'demo:ThingName', type: 'String' }]);
    assert.deepEqual(data.conditionKeysOf('../serviceNames'), []);
  });

  it('says which file is missing', () => {
    const { 'actions/demo.json': _omitted, ...rest } = minimal;
    assert.throws(() => readIamData(dataFolder(rest)), failsWith('catalog-data-missing', /actions\/demo\.json/));
  });

  it('rejects data it does not understand, saying which file and action', () => {
    assert.throws(
      () => readIamData(dataFolder({ ...minimal, 'actions/demo.json': { getthing: action('GetThing', 'Admin') } })),
      failsWith('catalog-data-invalid', /^actions\/demo\.json: action `getthing`: unknown access level `Admin`$/),
    );
    assert.throws(() => readIamData(dataFolder({ ...minimal, 'serviceNames.json': '{' })), failsWith('catalog-data-invalid', /not valid JSON/));
    assert.throws(
      () => readIamData(dataFolder({ ...minimal, 'serviceNames.json': { '../demo': 'x' } })),
      failsWith('catalog-data-invalid', /bad service prefix/),
    );
    assert.throws(
      () => readIamData(dataFolder({ ...minimal, 'rcpSupportedServices.json': { demo: true } })),
      failsWith('catalog-data-invalid', /rcpSupportedServices\.json/),
    );
  });

  it('finds the installed package\'s data by default', () => {
    assert.match(iamDataDir(), /@cloud-copilot[/\\]iam-data[/\\]data$/);
  });
});
