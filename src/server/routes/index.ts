/** every route file, one per resource; buildApp registers them in this order */
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';
import { auditEventsRoutes } from './audit-events.ts';
import { auditRoutes } from './audit.ts';
import { awsRoutes } from './aws.ts';
import { authorizeRoutes } from './authorize.ts';
import { configRoutes } from './config.ts';
import { directoryRoutes } from './directory.ts';
import { healthRoutes } from './health.ts';
import { loginRoutes } from './login.ts';
import { metricsRoutes } from './metrics.ts';
import { openIdDiscoveryRoutes } from './openid-discovery.ts';
import { scimRoutes } from './scim.ts';
import { sessionsRoutes } from './sessions.ts';
import { whoamiRoutes } from './whoami.ts';

export const ROUTES: readonly ((app: ZodApp, context: ServerContext) => void)[] = [
  healthRoutes,
  metricsRoutes,
  openIdDiscoveryRoutes,
  whoamiRoutes,
  sessionsRoutes,
  configRoutes,
  authorizeRoutes,
  auditRoutes,
  auditEventsRoutes,
  loginRoutes,
  scimRoutes,
  awsRoutes,
  directoryRoutes,
];
