/**
 * `GET /v1/directory/export`: the directory snapshot (`parapet-directory/1`) that `parapet
 * directory export` writes for offline `validate`, `test`, `who-can`, `what-can` and `plan`.
 *
 * Who may export: a service account, and no one else. The snapshot holds every user's e-mail
 * addresses and directory attributes (manager, department, …): it is for the CI job that plans and
 * tests configuration changes (the same caller that applies them), not for every signed-in person;
 * a person's credential is `forbidden`, as is a SCIM token (it authenticates only /scim/v2).
 */
import { DirectorySnapshotBody } from '../../contract/directory.ts';
import { ErrorBody } from '../../contract/error-body.ts';
import { ParapetError } from '../../policy/index.ts';
import { readScimDirectory } from '../../store/index.ts';
import { callerOf } from '../authenticate.ts';
import { snapshotOf } from '../scim-directory-source.ts';
import type { ServerContext } from '../server-context.ts';
import type { ZodApp } from '../zod-app.ts';

export function directoryRoutes(app: ZodApp, context: ServerContext): void {
  app.get(
    '/v1/directory/export',
    {
      schema: {
        tags: ['directory'],
        summary: 'every user and group SCIM has pushed, as a `parapet-directory/1` snapshot (a service account only)',
        response: { 200: DirectorySnapshotBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request): Promise<DirectorySnapshotBody> => {
      const caller = callerOf(request);
      if (caller.kind !== 'service-account') {
        const who = caller.kind === 'user' ? `\`${caller.user}\`` : caller.kind === 'scim-client' ? 'a SCIM token' : 'the bootstrap token';
        throw new ParapetError('forbidden', `${who} may not export the directory: a service account exports it (docs/scim.md "Directory snapshots")`);
      }
      const snapshot = snapshotOf(await readScimDirectory(context.store, 'all'), context.clock());
      return { ...snapshot, exportedAt: snapshot.exportedAt ?? context.clock().toISOString() };
    },
  );
}
