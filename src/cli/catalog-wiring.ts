/** the catalog wiring moved to src/catalog so the server shares it; re-exported for the CLI's commands */
export { actionChecker, contextKeyType, rcpServices } from '../catalog/catalog-wiring.ts';
