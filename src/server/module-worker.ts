/**
 * A worker thread running a sibling module of the caller's: `NAME.ts` from the sources (tests,
 * benchmarks, tsx), `NAME.js` when built. From the sources the worker registers the TypeScript
 * loader before importing its module: on Node.js 20 a worker does not get the parent's
 * `--import tsx` in time for its entry module.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type Transferable, type WorkerOptions } from 'node:worker_threads';

/** `from` is the caller's `import.meta.url`, `name` its sibling module's name without extension */
export function startModuleWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  const extension = extname(fileURLToPath(from));
  const script = new URL(`./${name}${extension}`, from);
  return extension === '.ts'
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`, { ...options, eval: true })
    : new Worker(script, options);
}

/**
 * Requests to one worker thread, each answered by a reply carrying the request's `id`: the reply
 * of each is its promise's value (the caller reads `ok` and the rest). A thread that fails or
 * stops rejects every request still waiting, and every later one, with `stopped`'s error.
 */
export class WorkerCalls<Reply extends { readonly id: number }> {
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: unknown) => void }>();
  private next = 0;
  private failure: Error | undefined;

  constructor(
    readonly worker: Worker,
    stopped: () => Error,
  ) {
    worker.on('message', (reply: Reply) => {
      // other messages (a `ready`) carry no id of a request
      const pending = this.waiting.get(reply.id);
      if (pending === undefined) return;
      this.waiting.delete(reply.id);
      pending.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(stopped()));
  }

  /** the error the thread stopped with, if it did */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** sends `request(id)` (moving `transfer` to the thread, not copying it); resolves with its reply */
  call(request: (id: number) => unknown, transfer: readonly Transferable[] = []): Promise<Reply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(request(id), transfer as Transferable[]);
    });
  }

  /** rejects what waits, and what comes later, with `error` (the first one given stays) */
  fail(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.waiting.values()) reject(this.failure);
    this.waiting.clear();
  }
}
