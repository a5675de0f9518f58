/**
 * The HTTP application: Fastify with zod schemas for every request and response (the same schemas
 * generate /openapi.json), one error body for every failure (errors.ts), authentication on every
 * route not marked public, request ids, body limits, metrics and no-store caching. Routes live one
 * file per resource under ./routes/ and are listed in ./routes/index.ts.
 */
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ParapetError } from '../policy/index.ts';
import { guardAuditRead, isAuditReadRoute } from './audit-read-access.ts';
import { authenticate, presentedToken } from './authenticate.ts';
import { errorReply } from './errors.ts';
import { isScimMediaType, isScimUrl, SCIM_CONTENT_TYPE, scimErrorReply, UNSUPPORTED_MEDIA_TYPE } from './scim-error-reply.ts';
import { ROUTES } from './routes/index.ts';
import { withScim, type OpenApiDocument } from './scim-openapi.ts';
import type { ServerContext } from './server-context.ts';
import type { ZodApp } from './zod-app.ts';

/** whether a request carries a body (RFC 9112 §6.3: a Content-Length above 0, or a Transfer-Encoding) */
function hasBody(headers: FastifyRequest['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export interface BuildAppOptions {
  /** pino options or an existing logger; default: no logging (tests) */
  readonly logger?: FastifyServerOptions['logger'] | undefined;
  readonly loggerInstance?: FastifyServerOptions['loggerInstance'] | undefined;
}

/** a request id a client may pass in `x-request-id`: short and printable, else a new one is made */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export async function buildApp(context: ServerContext, options: BuildAppOptions = {}): Promise<ZodApp> {
  const app = Fastify({
    ...(options.loggerInstance === undefined ? { logger: options.logger ?? false } : { loggerInstance: options.loggerInstance }),
    bodyLimit: context.settings.bodyLimit,
    // genReqId reads x-request-id itself: Fastify's requestIdHeader would take any value as it is
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // the proxy in front, if any, is configured by the operator; never trust forwarded headers by default
    trustProxy: false,
    return503OnClosing: true,
    // a path parameter longer than the router takes, a malformed URL: the same error bodies as every other failure
    // (on /scim/v2 the SCIM one), not Fastify's own; an id longer than any stored one names nothing: 404
    frameworkErrors: (error, request, reply) =>
      sendError(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new ParapetError('not-found', 'no resource has an id that long') : error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler(sendError);

  function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (isScimUrl(request.url)) {
      const scim = scimErrorReply(error, request.id);
      if (scim.serverFault) request.log.error({ err: error }, 'request failed');
      else request.log.info({ status: scim.status, scimType: scim.body.scimType }, scim.body.detail);
      if (scim.status === 401) void reply.header('www-authenticate', 'Bearer');
      return reply.code(scim.status).type(SCIM_CONTENT_TYPE).send(scim.body);
    }
    const { status, body, serverFault } = errorReply(error, request.id);
    if (serverFault) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code }, body.error.message);
    if (status === 401) void reply.header('www-authenticate', 'Bearer');
    return reply.code(status).send(body);
  }
  app.setNotFoundHandler((request, reply) => {
    const notFound = new ParapetError('not-found', `no endpoint \`${request.method} ${request.url.split('?')[0] ?? ''}\``);
    if (isScimUrl(request.url)) {
      const scim = scimErrorReply(notFound, request.id);
      return reply.code(scim.status).type(SCIM_CONTENT_TYPE).send(scim.body);
    }
    const { status, body } = errorReply(new ParapetError('not-found', `no endpoint \`${request.method} ${request.url.split('?')[0] ?? ''}\``), request.id);
    return reply.code(status).send(body);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parapet',
        version: '1',
        description: 'Guardrails, identity and access, and change through code, with AWS IAM policy semantics. Every failure answers with the `Error` body.',
      },
      servers: [{ url: context.settings.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // off by default: routes that need it (sign-in) say so in their `config.rateLimit`
  await app.register(fastifyRateLimit, { global: false });
  // the sign-in routes keep a started sign-in in a sealed cookie (routes/login.ts)
  await app.register(fastifyCookie);
  // SCIM clients send application/scim+json (RFC 7644 §3.1): JSON, parsed as strictly as application/json
  app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.routeOptions.config.access === 'public' || request.routeOptions.url === undefined) return;
    const caller = await authenticate(context.authenticators, presentedToken(request.headers.authorization));
    // a SCIM token reaches /scim/v2 and nothing else; nothing else reaches /scim/v2
    const scimRoute = isScimUrl(request.routeOptions.url);
    if (scimRoute && caller.kind !== 'scim-client') throw new ParapetError('forbidden', 'only a SCIM token (`parapet scim token create`) may use /scim/v2');
    if (!scimRoute && caller.kind === 'scim-client') throw new ParapetError('forbidden', 'a SCIM token authenticates only /scim/v2');
    // a SCIM body is JSON: any other media type is refused before it is read (415, the SCIM error body)
    if (scimRoute && hasBody(request.headers) && !isScimMediaType(request.headers['content-type'])) {
      throw new ParapetError('invalid-input', `unsupported content type \`${request.headers['content-type'] ?? 'none'}\`: ${UNSUPPORTED_MEDIA_TYPE}`, { details: { scimStatus: 415 } });
    }
    request.caller = caller;
  });
  // the audit log's readers are configuration, and every read of it is on record (audit-read-access.ts)
  app.addHook('preHandler', async (request) => {
    if (request.caller !== undefined && isAuditReadRoute(request.routeOptions.url)) await guardAuditRead(context, request, request.caller);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    context.metrics.httpRequests.inc({ method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });

  // the SCIM routes are described from the SCIM schemas (scim-openapi.ts): they read their bodies without zod
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => withScim(app.swagger() as OpenApiDocument));
  for (const routes of ROUTES) routes(app, context);
  await app.ready();
  return app;
}
