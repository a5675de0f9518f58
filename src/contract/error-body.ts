/**
 * The one error body of every HTTP endpoint: a stable `code` from the error code list
 * (src/policy/parapet-error.ts), a message in the project's style, the request id to quote to an
 * operator, and, for invalid input, every issue located by its JSON path in the request.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../policy/index.ts';

export const RequestIssue = z
  .object({
    /** where in the request: `body.requests[3].action`, `querystring.limit`, `header.authorization` */
    path: z.string(),
    message: z.string(),
  })
  .meta({ id: 'RequestIssue' });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      requestId: z.string(),
      issues: z.array(RequestIssue).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error', description: 'every failure of every endpoint has this shape; `code` is stable, `message` is for people' });

export type ErrorBody = z.infer<typeof ErrorBody>;
export type RequestIssue = z.infer<typeof RequestIssue>;
