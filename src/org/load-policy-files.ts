/**
 * Parses every policy file the configuration refers to, as the type its place gives it:
 * guardrails as SCPs, resource guardrails as RCPs, permission set policies as identity-based
 * policies and boundaries as permissions boundaries. The engine's issues are located in their own
 * files. SCPs and RCPs are held to AWS Organizations' size limit.
 */
import { parsePolicy, type Issue, type Policy, type PolicyType } from '../policy/index.ts';
import type { ConfigIssue } from './config-issue.ts';
import { didYouMean } from './did-you-mean.ts';
import type { DraftConfig, DraftGuardrail, Ref } from './draft-config.ts';
import { CONFIG_FILE } from './read-config-shape.ts';

/**
 * "Maximum size of a policy document: service control policies 5,120 characters, resource control
 * policies 5,120 characters" (AWS Organizations User Guide, Quotas for AWS Organizations,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). The
 * console strips white space outside strings before counting; the API and the CLI count the
 * document as sent, so every character of the file counts here.
 */
export const ORGANIZATION_POLICY_MAX_CHARACTERS = 5120;

export interface LoadedGuardrail {
  readonly policy: Policy;
  readonly characters: number;
}

export interface LoadedPolicies {
  /** by guardrail name; absent when the file is missing or invalid (already reported) */
  readonly guardrails: ReadonlyMap<string, LoadedGuardrail>;
  readonly resourceGuardrails: ReadonlyMap<string, LoadedGuardrail>;
  /** by `type file` */
  readonly documents: ReadonlyMap<string, Policy>;
  readonly issues: readonly ConfigIssue[];
}

export interface LoadPolicyOptions {
  readonly checkAction?: ((action: string) => string | undefined) | undefined;
}

export function documentKey(type: PolicyType, file: string): string {
  return `${type} ${file}`;
}

export function loadPolicyFiles(draft: DraftConfig, files: ReadonlyMap<string, string>, options: LoadPolicyOptions): LoadedPolicies {
  const issues: ConfigIssue[] = [];
  const seenIssues = new Set<string>();
  const push = (issue: ConfigIssue) => {
    const key = `${issue.source}:${issue.line}:${issue.column}:${issue.code}:${issue.message}`;
    if (seenIssues.has(key)) return;
    seenIssues.add(key);
    issues.push(issue);
  };
  const jsonFiles = [...files.keys()].filter((file) => file.endsWith('.json'));

  const read = (ref: Ref, what: string): string | undefined => {
    const text = files.get(ref.name);
    if (text === undefined) {
      push({
        code: 'missing-file',
        severity: 'error',
        message: `${what}: file \`${ref.name}\` does not exist${didYouMean(ref.name, jsonFiles)}`,
        source: CONFIG_FILE,
        line: ref.at.line,
        column: ref.at.column,
        path: ref.path,
      });
    }
    return text;
  };
  const parse = (text: string, file: string, type: PolicyType, name: string): Policy | undefined => {
    const parsed = parsePolicy(text, { type, name, source: file, checkAction: options.checkAction });
    for (const issue of parsed.issues) push(locate(issue, file));
    return parsed.ok ? parsed.value : undefined;
  };

  const loadGuardrails = (definitions: readonly DraftGuardrail[], type: 'scp' | 'rcp', kind: string) => {
    const out = new Map<string, LoadedGuardrail>();
    for (const definition of definitions) {
      if (definition.file === undefined) continue;
      const text = read(definition.file, `${kind} \`${definition.name}\``);
      if (text === undefined) continue;
      const characters = [...text].length;
      if (characters > ORGANIZATION_POLICY_MAX_CHARACTERS) {
        const minified = minifiedLength(text);
        push({
          code: 'policy-too-large',
          severity: 'error',
          message:
            `${kind} \`${definition.name}\` is ${characters.toLocaleString('en-US')} characters, over AWS's limit of 5,120 for a ${type === 'scp' ? 'service' : 'resource'} control policy` +
            (minified !== undefined ? ` (${minified.toLocaleString('en-US')} without white space, which the console removes but the API and CLI count)` : ''),
          source: definition.file.name,
          line: 1,
          column: 1,
          path: '$',
        });
      }
      const policy = parse(text, definition.file.name, type, definition.name);
      if (policy !== undefined) out.set(definition.name, { policy, characters });
    }
    return out;
  };

  const guardrails = loadGuardrails(draft.guardrails, 'scp', 'guardrail');
  const resourceGuardrails = loadGuardrails(draft.resourceGuardrails, 'rcp', 'resource guardrail');
  const documents = new Map<string, Policy>();
  for (const permissionSet of draft.permissionSets) {
    const refs: [Ref, PolicyType, string][] = permissionSet.policies.map((ref) => [ref, 'identity', 'policy']);
    if (permissionSet.boundary !== undefined) refs.push([permissionSet.boundary, 'permissionBoundary', 'boundary']);
    for (const [ref, type, role] of refs) {
      const key = documentKey(type, ref.name);
      if (documents.has(key)) continue;
      const text = read(ref, `permission set \`${permissionSet.name}\`: ${role}`);
      if (text === undefined) continue;
      const policy = parse(text, ref.name, type, ref.name);
      if (policy !== undefined) documents.set(key, policy);
    }
  }
  return { guardrails, resourceGuardrails, documents, issues };
}

function locate(issue: Issue, file: string): ConfigIssue {
  return {
    code: issue.code,
    severity: issue.severity,
    message: issue.message,
    source: issue.source ?? file,
    line: issue.line ?? 1,
    column: issue.column ?? 1,
    path: issue.path ?? '$',
  };
}

/** the length with white space outside strings removed, or undefined when the text is not JSON */
function minifiedLength(text: string): number | undefined {
  try {
    return [...JSON.stringify(JSON.parse(text))].length;
  } catch {
    return undefined;
  }
}
