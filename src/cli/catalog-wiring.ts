/**
 * The CLI gives the engine what it cannot know by itself: the action catalog (unknown actions are
 * validation warnings) and the services RCPs apply to. Loaded once, on first use.
 */
import { loadCatalog } from '../catalog/load-catalog.ts';
import { unknownActionChecker } from '../catalog/unknown-action-checker.ts';

let checker: ((action: string) => string | undefined) | undefined;

export function actionChecker(): (action: string) => string | undefined {
  checker ??= unknownActionChecker(loadCatalog());
  return checker;
}

export function rcpServices(): ReadonlySet<string> {
  return loadCatalog().rcpSupportedServices();
}
