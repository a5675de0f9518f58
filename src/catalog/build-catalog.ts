import type { ActionInfo, Catalog } from './catalog.ts';
import { ParapetError } from '../policy/index.ts';
import { compareIgnoringCase } from './compare-ignoring-case.ts';
import type { ConditionKeyData, IamData } from './read-iam-data.ts';
import { prefixServiceName } from './shared-prefix-names.ts';

const NONE: readonly never[] = Object.freeze([]);

/** indexes the data for case-insensitive lookups; pure, so a browser could build one from fetched data */
export function buildCatalog(data: IamData): Catalog {
  const names = new Map<string, string>();
  const actionsByService = new Map<string, readonly ActionInfo[]>();
  const actionsByName = new Map<string, ActionInfo>();
  for (const service of data.services) {
    const prefix = service.prefix.toLowerCase();
    if (names.has(prefix)) throw invalid(`service \`${prefix}\` appears twice`);
    names.set(prefix, prefixServiceName(prefix, service.name));
    const actions = [...service.actions].sort((a, b) => compareIgnoringCase(a.name, b.name));
    for (const action of actions) {
      const key = action.action.toLowerCase();
      if (actionsByName.has(key)) throw invalid(`action \`${action.action}\` appears twice`);
      actionsByName.set(key, action);
    }
    actionsByService.set(prefix, Object.freeze(actions));
  }
  const services = Object.freeze([...names.keys()].sort());
  const rcpSupported: ReadonlySet<string> = new Set(data.rcpSupportedServices.map((prefix) => prefix.toLowerCase()));
  const conditionKeys = new Map<string, ServiceConditionKeys>();
  /** a service's condition keys, read on first use */
  const keysOf = (service: string): ServiceConditionKeys => {
    let keys = conditionKeys.get(service);
    if (keys === undefined) {
      keys = indexConditionKeys(data.conditionKeysOf(service));
      conditionKeys.set(service, keys);
    }
    return keys;
  };

  return Object.freeze({
    services: () => services,
    serviceName: (prefix: string) => names.get(prefix.toLowerCase()),
    actionsOf: (prefix: string) => actionsByService.get(prefix.toLowerCase()) ?? NONE,
    findAction: (name: string) => actionsByName.get(name.toLowerCase()),
    isKnownAction: (name: string) => actionsByName.has(name.toLowerCase()),
    isKnownService: (prefix: string) => names.has(prefix.toLowerCase()),
    conditionKeysOf: (prefix: string) => {
      const service = prefix.toLowerCase();
      return names.has(service) ? keysOf(service).names : NONE;
    },
    conditionKeyType: (key: string) => {
      const lower = key.toLowerCase();
      const colon = lower.indexOf(':');
      const service = colon > 0 ? lower.slice(0, colon) : '';
      if (!names.has(service)) return undefined;
      const keys = keysOf(service);
      return keys.types.get(lower) ?? keys.patterns.find((p) => p.pattern.test(lower))?.type;
    },
    rcpSupportedServices: () => rcpSupported,
  });
}

function invalid(problem: string): ParapetError {
  return new ParapetError('catalog-data-invalid', problem);
}

interface ServiceConditionKeys {
  /** in AWS's case, sorted ignoring case */
  readonly names: readonly string[];
  /** by lower-cased key, for keys without a variable part */
  readonly types: ReadonlyMap<string, string>;
  /** keys with a variable part (`${TagKey}`, `<key>`), each matching any non-empty text there */
  readonly patterns: readonly { readonly pattern: RegExp; readonly type: string }[];
}

function indexConditionKeys(keys: readonly ConditionKeyData[]): ServiceConditionKeys {
  const types = new Map<string, string>();
  const patterns: { pattern: RegExp; type: string }[] = [];
  for (const { key, type } of keys) {
    const lower = key.toLowerCase();
    if (!lower.includes('${') && !lower.includes('<')) types.set(lower, type);
    else {
      const source = lower
        .split(/\$\{[^}]*\}|<[^>]*>/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.+');
      patterns.push({ pattern: new RegExp(`^${source}$`), type });
    }
  }
  return { names: Object.freeze(keys.map((k) => k.key).sort(compareIgnoringCase)), types, patterns };
}
