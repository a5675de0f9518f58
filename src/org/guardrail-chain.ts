/**
 * The SCP and RCP chains of an account, root first, as the engine takes them
 * (`compilePolicySet({ scps, rcps })`), with a name for each level for `explain`.
 */
import type { Policy } from '../policy/index.ts';
import { unitsAbove } from './find-account.ts';
import type { Account, GuardrailDefinition, OrgConfig } from './org-config.ts';
import { internalError } from '../policy/index.ts';

export interface GuardrailChain {
  /** one list of policies per level: the root, each unit down to the account's, then the account when it has its own */
  readonly levels: readonly (readonly Policy[])[];
  /** `root`, the unit names, the account name: explain's `scpLevelNames` / `rcpLevelNames` */
  readonly levelNames: readonly string[];
}

/** the service control policies in force for principals in `account` */
export function guardrailChain(config: OrgConfig, account: Account): GuardrailChain {
  return chain(config, account, 'guardrails', config.guardrails);
}

/** the resource control policies in force for resources owned by `account` */
export function resourceGuardrailChain(config: OrgConfig, account: Account): GuardrailChain {
  return chain(config, account, 'resourceGuardrails', config.resourceGuardrails);
}

function chain(
  config: OrgConfig,
  account: Account,
  field: 'guardrails' | 'resourceGuardrails',
  definitions: ReadonlyMap<string, GuardrailDefinition>,
): GuardrailChain {
  const policies = (names: readonly string[]) =>
    names.map((name) => {
      const definition = definitions.get(name);
      // a validated configuration defines every name it uses
      if (definition === undefined) throw internalError(`guardrail chain: \`${name}\` is not defined`);
      return definition.policy;
    });
  const units = unitsAbove(config, account);
  const levels = units.map((unit) => policies(unit[field]));
  const levelNames = units.map((unit) => unit.name);
  const own = account[field];
  if (own !== undefined) {
    levels.push(policies(own));
    levelNames.push(account.name);
  }
  return { levels, levelNames };
}
