/**
 * The audit log (#10): `GET /v1/audit/checkpoint` (the latest signed checkpoint and the public
 * key), `GET /v1/audit/proof/{index}` (an event's inclusion proof in it) and
 * `GET /v1/audit/consistency?first=M&second=N` (that the later checkpoint extends the earlier).
 * None returns an event: what the log holds is not shown here, only what proves it.
 */
import {
  AuditCheckpointResponse,
  AuditConsistencyProofResponse,
  AuditConsistencyQuery,
  AuditInclusionProofResponse,
  AuditProofParams,
} from '../../contract/audit.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { ParapetError } from '../../policy/index.ts';
import { auditCheckpointOfSize, auditConsistencyProof, auditInclusionProof, latestAuditCheckpoint } from '../../store/index.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

export function auditRoutes(app: ZodApp, context: ServerContext): void {
  app.get(
    '/v1/audit/checkpoint',
    {
      schema: {
        tags: ['audit'],
        summary: 'the latest signed checkpoint of the audit log (C2SP signed note) and the key that signs it',
        response: { 200: AuditCheckpointResponse, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (): Promise<AuditCheckpointResponse> => {
      const latest = await latestAuditCheckpoint(context.store);
      if (latest === undefined) throw new ParapetError('not-found', 'the audit log has no checkpoint yet');
      return {
        origin: context.audit.origin,
        size: latest.size,
        rootHash: Buffer.from(latest.root).toString('base64'),
        checkpoint: latest.note,
        publicKey: context.audit.verifierKey,
      };
    },
  );

  app.get(
    '/v1/audit/proof/:index',
    {
      schema: {
        tags: ['audit'],
        summary: 'the RFC 9162 inclusion proof of one audit event in the latest checkpoint',
        params: AuditProofParams,
        response: { 200: AuditInclusionProofResponse, 401: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (request): Promise<AuditInclusionProofResponse> => {
      const proof = await auditInclusionProof(context.store, request.params.index);
      return { ...proof, proof: [...proof.proof] };
    },
  );

  app.get(
    '/v1/audit/consistency',
    {
      schema: {
        tags: ['audit'],
        summary: 'the RFC 9162 consistency proof that the checkpoint of `second` events extends the one of `first`',
        querystring: AuditConsistencyQuery,
        response: { 200: AuditConsistencyProofResponse, 401: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (request): Promise<AuditConsistencyProofResponse> => {
      const { first, second } = request.query;
      if (first > second) throw new ParapetError('invalid-input', `no consistency proof from ${first} to ${second} events: the first is the smaller`, { details: { issues: [{ path: 'querystring.first', message: 'larger than second' }] } });
      // only sizes a checkpoint was signed for: a proof to a size nobody signed proves nothing
      for (const size of [first, second]) {
        if (size !== 0 && (await auditCheckpointOfSize(context.store, size)) === undefined) throw new ParapetError('not-found', `no checkpoint of ${size} audit events`);
      }
      return { first, second, proof: [...(await auditConsistencyProof(context.store, first, second))] };
    },
  );
}
