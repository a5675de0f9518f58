/**
 * Why a question about a principal's access cannot be answered: a name the configuration does
 * not know, with the nearest known one in the message.
 */
export type ResolveIssueCode = 'unknown-group' | 'unknown-user' | 'unknown-service-account' | 'unknown-account' | 'unknown-permission-set';

export interface ResolveIssue {
  readonly code: ResolveIssueCode;
  readonly message: string;
}
