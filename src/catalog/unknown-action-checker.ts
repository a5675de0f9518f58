import type { Catalog } from './catalog.ts';
import { checkActionName } from './check-action-name.ts';
import { closestMatch, hasWildcard, memoize } from '../policy/index.ts';
import { expandActionPattern } from './expand-action-pattern.ts';

/** undefined when the action is fine, else a message saying what is wrong with it */
export type ActionChecker = (action: string) => string | undefined;

/**
 * The check the policy engine takes as an option to warn about actions AWS does not document (the
 * engine cannot import the catalog). Accepts an action (`s3:GetObject`) or an action pattern that
 * matches at least one known action (`ec2:Describe*`); otherwise it says why, for example
 * "unknown action `s3:GetObjet`: did you mean `s3:GetObject`".
 */
export function unknownActionChecker(catalog: Catalog): ActionChecker {
  return memoize((action) => describeProblem(catalog, action), 8192);
}

function describeProblem(catalog: Catalog, action: string): string | undefined {
  const colon = action.indexOf(':');
  const service = colon === -1 ? action : action.slice(0, colon);
  if (!hasWildcard(action)) {
    if (colon === -1) return `malformed action \`${action}\`: expected \`service:action\``;
    const check = checkActionName(catalog, action);
    if (check.known) return undefined;
    const hint = check.suggestion === undefined ? '' : `: did you mean \`${check.suggestion}\``;
    switch (check.reason) {
      case 'unknown-service':
        return `unknown service \`${service}\`${hint}`;
      case 'unknown-action':
        return `unknown action \`${action}\`${hint}`;
      default: {
        const unreachable: never = check.reason;
        return unreachable;
      }
    }
  }
  if (colon !== -1 && !hasWildcard(service) && !catalog.isKnownService(service)) {
    const near = closestMatch(service, catalog.services(), (prefix) => prefix);
    return `unknown service \`${service}\`${near === undefined ? '' : `: did you mean \`${near}\``}`;
  }
  if (expandActionPattern(catalog, action).length > 0) return undefined;
  return `action pattern \`${action}\` matches no known action`;
}
