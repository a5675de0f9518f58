/**
 * Every action of the catalog at a fixed position (by service, then by name), so that what a
 * principal may do is an array of levels indexed by action rather than a map of names: unions and
 * differences over tens of thousands of actions are then loops over bytes. A service's actions are
 * one contiguous range.
 */
import type { ActionInfo, Catalog } from '../catalog/catalog.ts';

export interface CatalogActionIndex {
  readonly actions: readonly ActionInfo[];
  /** the actions' names in lower case, for matching patterns */
  readonly lower: readonly string[];
  /** lower-case service prefix → [start, end) */
  readonly services: ReadonlyMap<string, readonly [number, number]>;
  /** the position of a catalog name (`s3:GetObject`, any case), or undefined */
  readonly indexOf: (action: string) => number | undefined;
}

const indexes = new WeakMap<Catalog, CatalogActionIndex>();

export function catalogActionIndex(catalog: Catalog): CatalogActionIndex {
  let index = indexes.get(catalog);
  if (index === undefined) {
    const actions: ActionInfo[] = [];
    const services = new Map<string, readonly [number, number]>();
    for (const service of catalog.services()) {
      const start = actions.length;
      actions.push(...catalog.actionsOf(service));
      services.set(service, [start, actions.length]);
    }
    const lower = actions.map((a) => a.action.toLowerCase());
    const positions = new Map(lower.map((name, i) => [name, i]));
    index = { actions, lower, services, indexOf: (action) => positions.get(action.toLowerCase()) };
    indexes.set(catalog, index);
  }
  return index;
}
