/**
 * A policy document after parsing: validated and normalized (single values become lists, JSON
 * booleans and numbers in conditions become their string form). Matching is compiled later.
 */

export type PolicyType = 'scp' | 'rcp' | 'identity' | 'resource' | 'permissionBoundary' | 'session';

export type PolicyVersion = '2012-10-17' | '2008-10-17';

export type Effect = 'Allow' | 'Deny';

export interface PrincipalSpec {
  /** `"Principal": "*"` or `{"AWS": "*"}` */
  readonly any: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

export type BaseOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null';

export const BASE_OPERATORS: readonly BaseOperator[] = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];

/** what an operator compares: the families of reference_policies_elements_condition_operators.html */
export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

export const OPERATOR_FAMILY: Readonly<Record<BaseOperator, OperatorFamily>> = {
  StringEquals: 'string', StringNotEquals: 'string', StringEqualsIgnoreCase: 'string', StringNotEqualsIgnoreCase: 'string', StringLike: 'string', StringNotLike: 'string',
  NumericEquals: 'numeric', NumericNotEquals: 'numeric', NumericLessThan: 'numeric', NumericLessThanEquals: 'numeric', NumericGreaterThan: 'numeric', NumericGreaterThanEquals: 'numeric',
  DateEquals: 'date', DateNotEquals: 'date', DateLessThan: 'date', DateLessThanEquals: 'date', DateGreaterThan: 'date', DateGreaterThanEquals: 'date',
  Bool: 'bool', BinaryEquals: 'binary', IpAddress: 'ip', NotIpAddress: 'ip', ArnEquals: 'arn', ArnLike: 'arn', ArnNotEquals: 'arn', ArnNotLike: 'arn', Null: 'null',
};

/** operators whose result is the negation of a positive match: a missing key makes them true */
export const NEGATED_OPERATORS: ReadonlySet<BaseOperator> = new Set<BaseOperator>([
  'StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'NumericNotEquals', 'DateNotEquals', 'NotIpAddress', 'ArnNotEquals', 'ArnNotLike',
]);

export type SetOperator = 'ForAllValues' | 'ForAnyValue';

export interface Condition {
  /** the operator as written, e.g. `ForAnyValue:StringLikeIfExists` */
  readonly operator: string;
  readonly base: BaseOperator;
  readonly set?: SetOperator;
  readonly ifExists: boolean;
  /** the key as written */
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** position in the document's Statement list */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  /** Action, or NotAction when `notAction` */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** absent: the statement names no resource (a trust policy), which matches any */
  readonly resources?: readonly string[];
  readonly notResource: boolean;
  readonly principal?: PrincipalSpec;
  readonly notPrincipal: boolean;
  readonly conditions: readonly Condition[];
}

export interface Policy {
  readonly name: string;
  readonly type: PolicyType;
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly Statement[];
}

export const POLICY_TYPE_LABELS: Record<PolicyType, string> = {
  scp: 'service control policy',
  rcp: 'resource control policy',
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  permissionBoundary: 'permissions boundary',
  session: 'session policy',
};
