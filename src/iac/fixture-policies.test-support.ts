/** the shared Terraform fixtures' organization (test/fixtures/terraform/policies/context.json) as a compiled policy set */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, type Policy, type PolicySetInput, type PolicyType } from '../policy/index.ts';

export const FIXTURES = join(import.meta.dirname, '../../test/fixtures/terraform');
export const SCENARIOS = ['clean-service', 'escalation', 'misconfig', 'region-violation', 'sensitive', 'tag-policy', 'updates-and-deletes'] as const;

interface Context {
  readonly scpChain: readonly { readonly policies: readonly string[] }[];
  readonly deployer: { readonly roleArn: string; readonly sessionArn: string; readonly identityPolicies: readonly string[] };
  readonly account: { readonly id: string };
}

export function readFixturePolicy(file: string, type: PolicyType): Policy {
  const parsed = parsePolicy(readFileSync(join(FIXTURES, 'policies', file), 'utf8'), { type, name: file.replace(/\.json$/, ''), source: file });
  if (!parsed.ok) throw new Error(`fixture policy ${file} does not parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

export function fixtureOrganization(): { policies: PolicySetInput; principal: string; roleArn: string; account: string } {
  const context = JSON.parse(readFileSync(join(FIXTURES, 'policies/context.json'), 'utf8')) as Context;
  const policies: PolicySetInput = {
    identity: context.deployer.identityPolicies.map((f) => readFixturePolicy(f, 'identity')),
    scps: context.scpChain.map((level) => level.policies.map((f) => readFixturePolicy(f, 'scp'))),
    rcps: [],
  };
  return { policies, principal: context.deployer.sessionArn, roleArn: context.deployer.roleArn, account: context.account.id };
}
