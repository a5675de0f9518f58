/** Prometheus metrics: public like /healthz on most deployments' internal network; bind the server accordingly */
import type { ZodApp } from '../zod-app.ts';
import type { ServerContext } from '../server-context.ts';

export function metricsRoutes(app: ZodApp, context: ServerContext): void {
  app.get('/metrics', { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)', hide: true } }, async (_request, reply) => {
    context.metrics.configVersion.set(context.config.current()?.version ?? 0);
    return reply.header('content-type', context.metrics.registry.contentType).send(await context.metrics.registry.metrics());
  });
}
