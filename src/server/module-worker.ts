/**
 * A worker thread running a sibling module of the caller's: `NAME.ts` from the sources (tests,
 * benchmarks, tsx), `NAME.js` when built. From the sources the worker registers the TypeScript
 * loader before importing its module: on Node.js 20 a worker does not get the parent's
 * `--import tsx` in time for its entry module.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `from` is the caller's `import.meta.url`, `name` its sibling module's name without extension */
export function startModuleWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  const extension = extname(fileURLToPath(from));
  const script = new URL(`./${name}${extension}`, from);
  return extension === '.ts'
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`, { ...options, eval: true })
    : new Worker(script, options);
}
