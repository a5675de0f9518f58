/**
 * A request names one action and one resource: `s3:GetObject` on `arn:aws:s3:::bucket/key`. A
 * pattern (`s3:*`, `*`) or garbage is not a request, and deciding it would answer a question nobody
 * asked (a wildcard action matches `Deny` statements on other actions only by accident). The same
 * checks at every edge that builds a request: decision cases, `simulate`, access tests, `who-can`.
 */
import { parseArn } from './arn.ts';
import { hasWildcard } from './glob.ts';

/** `service:Action`: service prefixes are letters, digits and hyphens; action names add underscores */
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9_-]+$/;

/** the same shape, where a policy may write `*` and `?` in either part (`s3:Get*`, `*:List*`) */
const ACTION_PATTERN = /^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+$/;

/** whether a policy's `Action` entry has the shape of an action or of an action pattern (`*` alone aside) */
export function isActionPattern(text: string): boolean {
  return ACTION_PATTERN.test(text);
}

/** undefined when `action` is one action, else why not (the action in backticks, lower-case message) */
export function checkRequestAction(action: string): string | undefined {
  if (ACTION.test(action)) return undefined;
  if (action === '') return 'the action is empty: expected one `service:Action`, such as `s3:GetObject`';
  if (hasWildcard(action)) return `\`${action}\` is not an action: a request makes one action, not a pattern`;
  return `\`${action}\` is not an action: expected \`service:Action\`, such as \`s3:GetObject\``;
}

/**
 * undefined when `resource` is an ARN with a partition and a service (AWS puts the resource's ARN
 * in a request), or `*` for an action that takes no resource; else why not
 */
export function checkRequestResource(resource: string): string | undefined {
  if (resource === '*') return undefined;
  if (resource === '') return 'the resource is empty: expected an ARN, or `*` for an action that takes no resource';
  if (parseArn(resource) !== undefined) return undefined;
  return `\`${resource}\` is not an ARN (\`arn:partition:service:region:account:resource\`) or \`*\``;
}
