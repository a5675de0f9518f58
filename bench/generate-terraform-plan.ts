/**
 * A large `terraform show -json` plan for the preflight benchmark: the resource changes of the
 * seven shared fixture plans (test/fixtures/terraform), copied under new names until the plan has
 * `size` changes, with their configuration entries and references renamed to match.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '../test/fixtures/terraform');
const SCENARIOS = ['clean-service', 'escalation', 'misconfig', 'region-violation', 'sensitive', 'tag-policy', 'updates-and-deletes'];

type Json = Record<string, unknown>;

export function generateTerraformPlan(size: number): string {
  const templates: { change: Json; config: Json | undefined; scenario: number }[] = [];
  const providers: Json = {};
  for (const [index, scenario] of SCENARIOS.entries()) {
    const plan = JSON.parse(readFileSync(join(FIXTURES, scenario, 'plan.json'), 'utf8')) as Json;
    const configuration = plan.configuration as { provider_config: Json; root_module: { resources?: Json[] } };
    Object.assign(providers, configuration.provider_config);
    const byAddress = new Map((configuration.root_module.resources ?? []).map((r) => [r.address as string, r]));
    for (const change of plan.resource_changes as Json[]) templates.push({ change, config: byAddress.get(change.address as string), scenario: index });
  }
  const changes: Json[] = [];
  const resources: Json[] = [];
  for (let copy = 0; changes.length < size; copy++) {
    for (const { change, config, scenario } of templates) {
      // one copy of every template: rename each resource and the references between them alike (two scenarios may use one address)
      const rename = (text: string) => text.replace(/"(aws_[a-z0-9_]+)\.([a-z0-9_]+)(\.[a-z0-9_]+)?"/g, (_, type: string, name: string, attr: string | undefined) => `"${type}.${name}_${scenario}_${copy}${attr ?? ''}"`);
      if (changes.length >= size) break;
      const renamed = JSON.parse(rename(JSON.stringify(change))) as Json;
      renamed.name = `${String(change.name)}_${scenario}_${copy}`;
      changes.push(renamed);
      if (config !== undefined) resources.push(JSON.parse(rename(JSON.stringify(config))) as Json);
    }
  }
  return JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: changes, configuration: { provider_config: providers, root_module: { resources } } });
}
