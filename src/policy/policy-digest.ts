/**
 * A stable digest of a policy: `sha256:` and the hex SHA-256 of the canonical JSON (RFC 8785) of
 * the policy's parsed document. The document is rebuilt from the parsed `Policy` in AWS's own
 * shape (Version, Id, Statement: Sid, Effect, Principal, Action, Resource, Condition), so two files
 * that differ only in white space, member order, or in writing one value where a list of one would
 * do (`"Action": "s3:GetObject"` and `["s3:GetObject"]`) have the same digest; a change to anything
 * the engine reads changes it. The policy's name and type are not part of it: the digest says what
 * a document says, not where it is attached.
 */
import { canonicalJson, type JsonValue } from './canonical-json.ts';
import type { Policy, PrincipalSpec, Statement } from './policy.ts';
import { sha256Hex } from './sha256.ts';

export function policyDigest(policy: Policy): string {
  return `sha256:${sha256Hex(canonicalJson(policyDocument(policy)))}`;
}

/** the parsed policy as a JSON document in AWS's shape, every list written as a list */
export function policyDocument(policy: Policy): JsonValue {
  return {
    Version: policy.version,
    ...(policy.id !== undefined ? { Id: policy.id } : {}),
    Statement: policy.statements.map(statementDocument),
  };
}

function statementDocument(statement: Statement): JsonValue {
  const out: Record<string, JsonValue> = {};
  if (statement.sid !== undefined) out.Sid = statement.sid;
  out.Effect = statement.effect;
  if (statement.principal !== undefined) out[statement.notPrincipal ? 'NotPrincipal' : 'Principal'] = principalDocument(statement.principal);
  out[statement.notAction ? 'NotAction' : 'Action'] = statement.actions;
  if (statement.resources !== undefined) out[statement.notResource ? 'NotResource' : 'Resource'] = statement.resources;
  if (statement.conditions.length > 0) {
    const block: Record<string, Record<string, JsonValue>> = {};
    for (const condition of statement.conditions) (block[condition.operator] ??= {})[condition.key] = condition.values;
    out.Condition = block;
  }
  return out;
}

/** `"*"` and `{"AWS": "*"}` mean the same (anyone) and are written as `"*"` */
function principalDocument(spec: PrincipalSpec): JsonValue {
  const lists: [string, readonly string[]][] = [
    ['AWS', spec.any ? ['*', ...spec.aws] : spec.aws],
    ['Service', spec.service],
    ['Federated', spec.federated],
    ['CanonicalUser', spec.canonicalUser],
  ];
  const present = lists.filter(([, list]) => list.length > 0);
  if (spec.any && present.length === 1 && spec.aws.length === 0) return '*';
  return Object.fromEntries(present);
}
