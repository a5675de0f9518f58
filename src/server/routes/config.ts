/**
 * Configuration versions (docs/server.md "Configuration versions and apply"): apply a new version
 * (a service account, or the bootstrap token for the first one), the history, one version with its
 * plan report and files, and the version this process serves. Reading is open to every
 * authenticated caller.
 */
import {
  ApplyRequest,
  ApplyResponse,
  ConfigVersionDetail,
  ConfigVersionList,
  ConfigVersionParams,
  ConfigVersionQuery,
  ConfigVersionSummary,
  ListConfigVersionsQuery,
} from '../../contract/config.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { MAX_FILE_BYTES } from '../../org/index.ts';
import { ParapetError } from '../../policy/index.ts';
import { getConfigVersion, listConfigVersions } from '../../store/index.ts';
import { applierOf, applyConfig } from '../apply-config.ts';
import { callerOf } from '../authenticate.ts';
import { filesOfSnapshot } from '../config-snapshot.ts';
import { auditPrincipalOf } from '../record-audit-event.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

/** a real configuration fits: the largest parapet.yaml read from a folder (MAX_FILE_BYTES.config) */
export const APPLY_BODY_LIMIT = MAX_FILE_BYTES.config;

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 422: ErrorBody };

function summaryOf(version: { version: number; hash: string; author: string; appliedAt: string; message?: string | undefined }): ConfigVersionSummary {
  return { version: version.version, hash: version.hash, author: version.author, appliedAt: version.appliedAt, ...(version.message === undefined ? {} : { message: version.message }) };
}

export function configRoutes(app: ZodApp, context: ServerContext): void {
  app.post(
    '/v1/config/versions',
    {
      bodyLimit: APPLY_BODY_LIMIT,
      // who may apply is known before the body is read: a person's upload of 64 MiB is refused unread
      preParsing: async (request, _reply, payload) => {
        applierOf(callerOf(request));
        return payload;
      },
      schema: {
        tags: ['config'],
        summary: 'apply a configuration repository as the new active version (a service account, or the bootstrap token for the first)',
        body: ApplyRequest,
        response: { 200: ApplyResponse, 201: ApplyResponse, ...errors },
      },
    },
    async (request, reply) => {
      const applier = applierOf(callerOf(request));
      const result = await applyConfig(context, {
        applier,
        files: new Map(Object.entries(request.body.files)),
        expectVersion: request.body.expectVersion,
        message: request.body.message,
        request,
        who: auditPrincipalOf(callerOf(request)),
      });
      return reply.code(result.unchanged ? 200 : 201).send({ ...result, ...(result.plan === undefined ? {} : { plan: result.plan }) });
    },
  );

  app.get(
    '/v1/config/versions',
    { schema: { tags: ['config'], summary: 'the configuration versions, newest first', querystring: ListConfigVersionsQuery, response: { 200: ConfigVersionList, ...errors } } },
    async (request): Promise<ConfigVersionList> => {
      const { limit, before } = request.query;
      const versions = (await listConfigVersions(context.store, { limit, before })).map(summaryOf);
      const last = versions.at(-1);
      // versions are numbered without gaps: a full page ending above 1 has more behind it
      const nextBefore = versions.length === limit && last !== undefined && last.version > 1 ? last.version : undefined;
      return { versions, ...(nextBefore === undefined ? {} : { nextBefore }) };
    },
  );

  app.get(
    '/v1/config/versions/:version',
    {
      schema: {
        tags: ['config'],
        summary: 'one configuration version with its plan report; `?include=files` adds its files',
        params: ConfigVersionParams,
        querystring: ConfigVersionQuery,
        response: { 200: ConfigVersionDetail, ...errors },
      },
    },
    async (request): Promise<ConfigVersionDetail> => {
      const version = await getConfigVersion(context.store, request.params.version);
      if (version === undefined) throw new ParapetError('not-found', `no configuration version ${request.params.version}`);
      const plan = JSON.parse(version.planReport) as Record<string, unknown>;
      const files = request.query.include === 'files' ? Object.fromEntries(filesOfSnapshot(version.snapshot)) : undefined;
      return { ...summaryOf(version), plan, ...(files === undefined ? {} : { files }) };
    },
  );

  app.get(
    '/v1/config/active',
    { schema: { tags: ['config'], summary: 'the configuration version this server process decides with', response: { 200: ConfigVersionSummary, ...errors } } },
    (): ConfigVersionSummary => {
      const active = context.config.current();
      if (active === undefined) throw new ParapetError('not-found', context.config.loadError ?? 'no configuration applied yet: run `parapet apply`');
      return summaryOf(active);
    },
  );
}
