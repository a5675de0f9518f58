import type { ActionInfo, Catalog } from './catalog.ts';
import { CatalogDataError } from './catalog-data-error.ts';
import { compareIgnoringCase } from './compare-ignoring-case.ts';
import type { IamData } from './read-iam-data.ts';
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
  const conditionKeys = new Map<string, readonly string[]>();

  return Object.freeze({
    services: () => services,
    serviceName: (prefix: string) => names.get(prefix.toLowerCase()),
    actionsOf: (prefix: string) => actionsByService.get(prefix.toLowerCase()) ?? NONE,
    findAction: (name: string) => actionsByName.get(name.toLowerCase()),
    isKnownAction: (name: string) => actionsByName.has(name.toLowerCase()),
    isKnownService: (prefix: string) => names.has(prefix.toLowerCase()),
    conditionKeysOf: (prefix: string) => {
      const service = prefix.toLowerCase();
      if (!names.has(service)) return NONE;
      let keys = conditionKeys.get(service);
      if (keys === undefined) {
        keys = Object.freeze([...data.conditionKeysOf(service)].sort(compareIgnoringCase));
        conditionKeys.set(service, keys);
      }
      return keys;
    },
    rcpSupportedServices: () => rcpSupported,
  });
}

function invalid(problem: string): CatalogDataError {
  return new CatalogDataError('catalog-data-invalid', problem);
}
