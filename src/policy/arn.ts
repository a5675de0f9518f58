/**
 * Amazon Resource Names: `arn:partition:service:region:account-id:resource`, where the resource
 * part may itself contain colons (reference_identifiers.html#identifiers-arns).
 */

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** split an ARN into its six parts; undefined when the text is not an ARN */
export function splitArn(text: string): [string, string, string, string, string, string] | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = text.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(text.slice(start, colon));
    start = colon + 1;
  }
  parts.push(text.slice(start));
  return parts as [string, string, string, string, string, string];
}

export function parseArn(text: string): Arn | undefined {
  const parts = splitArn(text);
  if (parts === undefined) return undefined;
  const [, partition, service, region, account, resource] = parts;
  if (partition === '' || service === '') return undefined;
  return { partition, service, region, account, resource };
}

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

/**
 * the 12-digit account of an ARN (its fifth part), when it has one; found without splitting the
 * ARN, as every request asks it of its resource
 */
export function accountOfArn(text: string): string | undefined {
  if (!text.startsWith('arn:')) return undefined;
  let colon = 3;
  for (let i = 0; i < 3; i++) {
    colon = text.indexOf(':', colon + 1);
    if (colon < 0) return undefined;
  }
  const end = text.indexOf(':', colon + 1);
  if (end !== colon + 13) return undefined;
  const account = text.slice(colon + 1, end);
  return isAccountId(account) ? account : undefined;
}

/**
 * a CloudFront origin access identity as bucket policies name it:
 * `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE` (the only principal ARN
 * whose account part is not an account id and whose name has spaces;
 * AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html)
 */
const ORIGIN_ACCESS_IDENTITY = /^arn:aws(?:-[a-z]+)*:iam::cloudfront:user\/CloudFront Origin Access Identity [A-Z0-9]+$/;

export function isOriginAccessIdentity(text: string): boolean {
  return ORIGIN_ACCESS_IDENTITY.test(text);
}
