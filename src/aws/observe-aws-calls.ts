/**
 * Every AWS call Parapet makes, reported to an `onCall` hook once it has an outcome: the service,
 * AWS's operation name, a summary of the input and whether AWS accepted it. The server's apply
 * records each one in the audit trail. It is a middleware on the SDK client's `initialize` step,
 * so it sees every call, paginated listings included, once per call whatever the retries (the
 * retry strategy sits further down the stack), and the outcome is the one the caller sees.
 *
 * A hook that throws (an audit record that could not be made) fails the call: an apply never goes
 * on with calls it could not record.
 */
import { createHash } from 'node:crypto';

export type AwsService = 'organizations' | 'iam' | 'sts';

export type AwsCallOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** the input of a call, for a record: documents as their length and SHA-256, other values as they are, cut at 256 characters */
export type AwsInputSummary = Readonly<Record<string, unknown>>;

export type OnAwsCall = (service: AwsService, operation: string, input: AwsInputSummary, outcome: AwsCallOutcome) => void | Promise<void>;

/** what `observeAwsCalls` needs of a client: its middleware stack (every SDK v3 client has one) */
interface ObservableClient {
  readonly middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; override: boolean }): void;
    remove(name: string): boolean;
  };
}

type Next = (args: { input: unknown }) => Promise<unknown>;
type Context = { commandName?: string };

let installed = 0;

/** reports every call made with `client` to `onCall` until the returned function is called */
export function observeAwsCalls(client: ObservableClient, service: AwsService, onCall: OnAwsCall | undefined): () => void {
  if (onCall === undefined) return () => {};
  installed += 1;
  const name = `parapetObserveAwsCalls${installed}`;
  const middleware = (next: Next, context: Context) => async (args: { input: unknown }) => {
    const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '');
    const input = summarizeAwsInput(args.input);
    let output: unknown;
    try {
      output = await next(args);
    } catch (error) {
      await onCall(service, operation, input, { ok: false, error: awsErrorName(error) });
      throw error;
    }
    await onCall(service, operation, input, { ok: true });
    return output;
  };
  client.middlewareStack.add(middleware, { step: 'initialize', name, override: true });
  return () => {
    client.middlewareStack.remove(name);
  };
}

const MAX_VALUE = 256;

export function summarizeAwsInput(input: unknown): AwsInputSummary {
  if (input === null || typeof input !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (typeof value === 'string' && (/Document$|^Content$/.test(key) || key === 'SecretAccessKey' || key === 'SessionToken')) {
      // a policy document is recorded by what identifies it, not copied into every record
      out[key] = { characters: value.length, sha256: createHash('sha256').update(value).digest('hex') };
    } else if (typeof value === 'string') out[key] = value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value;
    else out[key] = JSON.parse(JSON.stringify(value)) as unknown;
  }
  return out;
}

/** AWS's error code and message as one line, for reports */
export function awsErrorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
