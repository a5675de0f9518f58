/**
 * The service authorization data could not be found or has a shape this code does not understand:
 * an exceptional failure (a broken install or an incompatible package version), so it is thrown.
 */

export type CatalogDataErrorCode = 'catalog-data-missing' | 'catalog-data-invalid';

export class CatalogDataError extends Error {
  readonly code: CatalogDataErrorCode;

  constructor(code: CatalogDataErrorCode, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'CatalogDataError';
    this.code = code;
  }
}
