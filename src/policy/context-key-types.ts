/**
 * The types of AWS's global condition keys, as "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html) gives
 * each key's "Data type". A request value of a typed key must read as that type: `aws:SourceIp=999.1.1.1`
 * is invalid input, not an address that matches no block. Service keys get their types from the
 * catalog (`src/catalog/context-key-typer.ts`); a key known to neither is a string.
 */

/** the data types of condition keys that constrain a request value (AWS's names) */
export type ContextValueType = 'String' | 'ARN' | 'Bool' | 'Date' | 'Numeric' | 'IPAddress';

/**
 * the types a key's every value must read as: one, or several for a key AWS documents with several
 * (`aws:EpochTime` is "Date, Numeric": epoch seconds, which both kinds of operator read); undefined
 * for a key whose type is not known, whose values are accepted as strings
 */
export type ContextKeyTyper = (key: string) => readonly ContextValueType[] | undefined;

const STRING: readonly ContextValueType[] = Object.freeze(['String']);
const ARN: readonly ContextValueType[] = Object.freeze(['ARN']);
const BOOL: readonly ContextValueType[] = Object.freeze(['Bool']);
const DATE: readonly ContextValueType[] = Object.freeze(['Date']);
const NUMERIC: readonly ContextValueType[] = Object.freeze(['Numeric']);
const IP: readonly ContextValueType[] = Object.freeze(['IPAddress']);
const EPOCH: readonly ContextValueType[] = Object.freeze(['Date', 'Numeric']);

/** by lower-cased key; only the keys whose type constrains the value, and the string keys for completeness */
const GLOBAL_KEYS: ReadonlyMap<string, readonly ContextValueType[]> = new Map(
  (
    [
      // properties of the principal
      ['aws:PrincipalArn', ARN],
      ['aws:PrincipalAccount', STRING],
      ['aws:PrincipalOrgPaths', STRING],
      ['aws:PrincipalOrgID', STRING],
      ['aws:PrincipalIsAWSService', BOOL],
      ['aws:PrincipalServiceName', STRING],
      ['aws:PrincipalServiceNamesList', STRING],
      ['aws:PrincipalType', STRING],
      ['aws:userid', STRING],
      ['aws:username', STRING],
      // properties of a role session
      ['aws:FederatedProvider', STRING],
      ['aws:TokenIssueTime', DATE],
      ['aws:MultiFactorAuthAge', NUMERIC],
      ['aws:MultiFactorAuthPresent', BOOL],
      ['aws:ChatbotSourceArn', ARN],
      ['aws:Ec2InstanceSourceVpc', STRING],
      ['aws:Ec2InstanceSourcePrivateIPv4', IP],
      ['aws:SourceIdentity', STRING],
      // properties of the network
      ['aws:SourceIp', IP],
      ['aws:SourceVpc', STRING],
      ['aws:SourceVpcArn', ARN],
      ['aws:SourceVpce', STRING],
      ['aws:VpcSourceIp', IP],
      ['aws:VpceAccount', STRING],
      ['aws:VpceOrgID', STRING],
      ['aws:VpceOrgPaths', STRING],
      // properties of the resource
      ['aws:ResourceAccount', STRING],
      ['aws:ResourceOrgID', STRING],
      ['aws:ResourceOrgPaths', STRING],
      // properties of the request
      ['aws:CalledVia', STRING],
      ['aws:CalledViaFirst', STRING],
      ['aws:CalledViaLast', STRING],
      ['aws:ViaAWSService', BOOL],
      ['aws:CurrentTime', DATE],
      ['aws:EpochTime', EPOCH],
      ['aws:Referer', STRING],
      ['aws:RequestedRegion', STRING],
      ['aws:TagKeys', STRING],
      ['aws:SecureTransport', BOOL],
      ['aws:SourceAccount', STRING],
      ['aws:SourceArn', ARN],
      ['aws:SourceOrgID', STRING],
      ['aws:SourceOrgPaths', STRING],
      ['aws:UserAgent', STRING],
    ] as const
  ).map(([key, types]) => [key.toLowerCase(), types]),
);

/** keys with a tag key after the slash: `aws:RequestTag/${TagKey}` */
const GLOBAL_TAG_KEYS = ['aws:principaltag/', 'aws:requesttag/', 'aws:resourcetag/'];

/** the type of a global (`aws:`) condition key; undefined for any other key */
export const globalContextKeyType: ContextKeyTyper = (key) => {
  const lower = key.toLowerCase();
  const known = GLOBAL_KEYS.get(lower);
  if (known !== undefined) return known;
  return GLOBAL_TAG_KEYS.some((prefix) => lower.startsWith(prefix) && lower.length > prefix.length) ? STRING : undefined;
};
