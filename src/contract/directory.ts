/**
 * The directory snapshot on the wire (`GET /v1/directory/export`, docs/scim.md "Directory
 * snapshots"): format `parapet-directory/1`, the value src/org/directory-snapshot.ts reads back.
 */
import { z } from 'zod';

export const DirectorySnapshotUser = z
  .object({
    userName: z.string(),
    externalId: z.string().optional(),
    displayName: z.string().optional(),
    emails: z.array(z.string()).readonly(),
    active: z.boolean(),
    /** the user's other SCIM attributes, as SCIM returns them (the enterprise extension under its URN) */
    attributes: z.record(z.string(), z.unknown()).readonly(),
  })
  .meta({ id: 'DirectorySnapshotUser' });

export const DirectorySnapshotGroup = z
  .object({
    displayName: z.string(),
    externalId: z.string().optional(),
    /** the userNames of its members */
    members: z.array(z.string()).readonly(),
  })
  .meta({ id: 'DirectorySnapshotGroup' });

export const DirectorySnapshotBody = z
  .object({
    format: z.literal('parapet-directory/1'),
    exportedAt: z.string(),
    users: z.array(DirectorySnapshotUser).readonly(),
    groups: z.array(DirectorySnapshotGroup).readonly(),
  })
  .meta({ id: 'DirectorySnapshot', description: 'every user and group SCIM has pushed, for `--directory FILE` of validate, test, who-can, what-can and plan' });
export type DirectorySnapshotBody = z.infer<typeof DirectorySnapshotBody>;
