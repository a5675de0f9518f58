/**
 * Why a question about a principal's access cannot be answered: a name the configuration does
 * not know, with the nearest known one in the message. The project's one `Issue` shape (ADR 0003);
 * the path names the part of the question (`$.principal`, `$.account`, `$.permissionSet`).
 */
import type { Issue } from '../policy/index.ts';

export type ResolveIssueCode = 'unknown-group' | 'unknown-user' | 'unknown-service-account' | 'unknown-account' | 'unknown-permission-set';

export type ResolveIssue = Issue & { readonly code: ResolveIssueCode };
