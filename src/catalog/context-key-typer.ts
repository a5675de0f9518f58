import { globalContextKeyType, memoize, type ContextKeyTyper, type ContextValueType } from '../policy/index.ts';
import type { Catalog } from './catalog.ts';

/** AWS's data types as the catalog names them, to the types a request value must read as */
const VALUE_TYPES: ReadonlyMap<string, ContextValueType> = new Map<string, ContextValueType>([
  ['String', 'String'],
  ['ARN', 'ARN'],
  ['Bool', 'Bool'],
  ['Boolean', 'Bool'],
  ['Date', 'Date'],
  ['Numeric', 'Numeric'],
  ['IPAddress', 'IPAddress'],
]);

/**
 * The types of condition keys for checking request values (`checkContext`): AWS's global keys from
 * the engine's list, every service's keys from the catalog (`ArrayOfBool` values are each a `Bool`).
 * A key known to neither, or of a type the engine does not read (`Binary`), is accepted as a string.
 */
export function contextKeyTyper(catalog: Catalog): ContextKeyTyper {
  // keys repeat from request to request
  return memoize((key) => globalContextKeyType(key) ?? fromCatalog(catalog.conditionKeyType(key)), 4096);
}

function fromCatalog(type: string | undefined): readonly ContextValueType[] | undefined {
  if (type === undefined) return undefined;
  const single = VALUE_TYPES.get(type.startsWith('ArrayOf') ? type.slice('ArrayOf'.length) : type);
  return single === undefined ? undefined : [single];
}
