/**
 * A benchmark scenario as data: policy documents as JSON text (the way they arrive from a config
 * repository), where they are attached, and the requests that are decided against them in rotation.
 */
import type { CallerFacts, DecisionRequest } from '../src/policy/index.ts';

export interface PolicyDocument {
  readonly name: string;
  readonly text: string;
}

export interface BenchRequest {
  readonly request: DecisionRequest;
  readonly facts?: CallerFacts;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly identity: readonly PolicyDocument[];
  /** the principal's SCP chain, organization root first */
  readonly scps: readonly (readonly PolicyDocument[])[];
  readonly managementAccount?: string;
  readonly requests: readonly BenchRequest[];
  /** false only where one request is decided over and over by design */
  readonly expectMixedDecisions: boolean;
}

/** JSON text of a policy document with the current policy language version */
export function policyText(statements: readonly object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}
