/** every route file, one per resource; buildApp registers them in this order */
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';
import { authorizeRoutes } from './authorize.ts';
import { healthRoutes } from './health.ts';
import { metricsRoutes } from './metrics.ts';
import { whoamiRoutes } from './whoami.ts';

export const ROUTES: readonly ((app: ZodApp, context: ServerContext) => void)[] = [healthRoutes, metricsRoutes, whoamiRoutes, authorizeRoutes];
