/**
 * Speed trick: TypeScript modules in worker threads. cdktf synthesis is
 * single-threaded and CPU-bound, so stacks/synthesize.ts shares a large fleet
 * between this thread and workers (figures in BENCHMARKS.md). Workers start
 * without the parent's module hooks (Node 20), so each one registers tsx
 * itself before importing its TypeScript module.
 *
 * Relies on: tsx's `tsx/esm/api` register() working inside a worker started
 * from an `eval` bootstrap, and the worker posting exactly one message (its
 * result) before it exits.
 * Proved unchanged by: test/synth/synthesis.test.ts ("writes from three
 * threads (two workers) exactly what one App writes").
 */
import { Worker } from "node:worker_threads";

/** Runs `module` (a TypeScript file) in a worker thread with `workerData`; resolves with the one message it posts. `name` is for errors. */
export function runTsxWorker<T>(module: URL, workerData: unknown, name = "worker"): Promise<T> {
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(
    module.href,
  )}); }).catch((error) => { throw error; });`;
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(bootstrap, { eval: true, workerData });
    let result: { value: T } | undefined;
    worker.once("message", (message: T) => (result = { value: message }));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code === 0 && result) resolvePromise(result.value);
      else reject(new Error(`${name} exited with code ${code}`));
    });
  });
}
