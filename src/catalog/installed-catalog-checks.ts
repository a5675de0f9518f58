/**
 * What the engine cannot know by itself, from the installed catalog: the unknown-action checker
 * (unknown actions are validation warnings), the services RCPs apply to, and the types of
 * condition keys (a request value that does not read as its key's type is invalid input). The CLI
 * and the server both validate with these, so `parapet validate` and an apply agree. Loaded once,
 * on first use.
 */
import type { ContextKeyTyper } from '../policy/index.ts';
import { contextKeyTyper } from './context-key-typer.ts';
import { loadCatalog } from './load-catalog.ts';
import { unknownActionChecker } from './unknown-action-checker.ts';

let checker: ((action: string) => string | undefined) | undefined;

export function actionChecker(): (action: string) => string | undefined {
  checker ??= unknownActionChecker(loadCatalog());
  return checker;
}

export function rcpServices(): ReadonlySet<string> {
  return loadCatalog().rcpSupportedServices();
}

let typer: ContextKeyTyper | undefined;

export function contextKeyType(): ContextKeyTyper {
  typer ??= contextKeyTyper(loadCatalog());
  return typer;
}
