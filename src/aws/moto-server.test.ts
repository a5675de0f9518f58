import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateOrganizationCommand, DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { checkMotoInstalled, startMotoServer, type MotoServer } from './moto-server.test-support.ts';

let moto: MotoServer;
before(async () => {
  moto = await startMotoServer();
});
after(async () => {
  await moto.stop();
});

test('the emulator answers the SDK on a loopback port with the dummy credentials', async () => {
  assert.match(moto.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  const { sts } = moto.clients();
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assert.match(identity.Account ?? '', /^\d{12}$/);
});

test('reset forgets the organization made before it', async () => {
  const { organizations } = moto.clients();
  const created = await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  assert.match(created.Organization?.Id ?? '', /^o-/);
  await moto.reset();
  await assert.rejects(organizations.send(new DescribeOrganizationCommand({})), (error: Error) => error.name === 'AWSOrganizationsNotInUseException');
});

test('a missing python module is named in the error', () => {
  assert.throws(() => checkMotoInstalled('moto_missing_for_test'), /python module `moto_missing_for_test`.*No module named 'moto_missing_for_test'/);
  assert.doesNotThrow(() => checkMotoInstalled());
});
