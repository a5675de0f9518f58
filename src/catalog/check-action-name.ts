import type { Catalog } from './catalog.ts';
import { closestMatch } from '../policy/index.ts';

export type UnknownActionReason = 'unknown-service' | 'unknown-action';

export type ActionNameCheck =
  | { readonly known: true }
  | {
      readonly known: false;
      readonly reason: UnknownActionReason;
      /** a known `service:Action` near the name, to offer as "did you mean" */
      readonly suggestion?: string;
    };

const KNOWN: ActionNameCheck = Object.freeze({ known: true });

/**
 * Whether a literal action name (no wildcards) is one AWS documents, ignoring case, and if not,
 * why, with the closest known action: in the same service, or in a service whose prefix is near
 * the one given (`lamda:InvokeFunction` → `lambda:InvokeFunction`).
 */
export function checkActionName(catalog: Catalog, action: string): ActionNameCheck {
  if (catalog.isKnownAction(action)) return KNOWN;
  const colon = action.indexOf(':');
  const service = colon === -1 ? action : action.slice(0, colon);
  const name = colon === -1 ? '' : action.slice(colon + 1);
  if (catalog.isKnownService(service)) return unknown('unknown-action', suggestAction(catalog, service, name));
  const nearService = closestMatch(service, catalog.services(), (prefix) => prefix);
  return unknown('unknown-service', nearService === undefined ? undefined : suggestAction(catalog, nearService, name));
}

function suggestAction(catalog: Catalog, service: string, name: string): string | undefined {
  if (name === '') return undefined;
  const exact = catalog.findAction(`${service}:${name}`);
  if (exact !== undefined) return exact.action;
  return closestMatch(name, catalog.actionsOf(service), (info) => info.name)?.action;
}

function unknown(reason: UnknownActionReason, suggestion: string | undefined): ActionNameCheck {
  return suggestion === undefined ? { known: false, reason } : { known: false, reason, suggestion };
}
