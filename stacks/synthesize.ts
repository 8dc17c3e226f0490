/**
 * Synthesizes a set of plans into an output folder, on several cores when
 * the set is large. cdktf synthesis is single-threaded and CPU-bound (about
 * 20 ms per stack); the fleet's 853 stacks are split into shards, each
 * synthesized by its own cdktf App (one in this thread, the others in worker
 * threads) into a shard folder, then merged: stack folders moved, manifests joined. Stack folders and
 * manifest entries are exactly what one App would write.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { InstancePlan } from "../core/plan.ts";
import { buildFleetApp, summarize, type SummaryRow } from "./fleet-app.ts";
import { withoutStackTraces } from "./runtime.ts";

export interface SynthesizeOptions {
  /** Repository root (chart folder, local state folder). */
  readonly root: string;
  /** Folder to write manifest.json and stacks/ into. */
  readonly outdir: string;
  /**
   * Worker threads for a large set; 1 synthesizes in this thread.
   * @default SEI_SYNTH_WORKERS, else the number of cores, at most 4
   */
  readonly workers?: number;
  /**
   * Fewest stacks worth a worker: below this a worker's start-up (loading
   * cdktf, about a second) costs more than it saves.
   * @default 100
   */
  readonly stacksPerWorker?: number;
}

const STACKS_PER_WORKER = 100;
const MAX_WORKERS = 4;

export interface WorkerInput {
  readonly plans: readonly InstancePlan[];
  readonly root: string;
  readonly outdir: string;
}

/** One App over the plans, synthesized in this thread. */
export function synthesizeHere({ plans, root, outdir }: WorkerInput): SummaryRow[] {
  return withoutStackTraces(() => {
    const { app, stacks } = buildFleetApp(plans, { root, outdir });
    app.synth();
    return summarize(stacks);
  });
}

export async function synthesizeFleet(plans: readonly InstancePlan[], options: SynthesizeOptions): Promise<SummaryRow[]> {
  const wanted = options.workers ?? defaultWorkers();
  const workers = Math.max(1, Math.min(wanted, Math.floor(plans.length / (options.stacksPerWorker ?? STACKS_PER_WORKER))));
  if (workers === 1) return synthesizeHere({ plans, root: options.root, outdir: options.outdir });

  const shards = Array.from({ length: workers }, (_, i) => plans.filter((_, index) => index % workers === i));
  const shardDir = (i: number) => join(options.outdir, `.shard-${i}`);
  mkdirSync(options.outdir, { recursive: true });
  // Shards 1.. go to worker threads; this thread, which has cdktf loaded already, takes shard 0.
  const inWorkers = shards.slice(1).map((shard, i) => runWorker({ plans: shard, root: options.root, outdir: shardDir(i + 1) }));
  const here = (() => {
    try {
      return synthesizeHere({ plans: shards[0]!, root: options.root, outdir: shardDir(0) });
    } catch (error) {
      // Let the workers finish (their rejections are awaited below) before reporting.
      return Promise.allSettled(inWorkers).then(() => Promise.reject(error));
    }
  })();
  const results = [await here, ...(await Promise.all(inWorkers))];
  mergeShards(shards.map((_, i) => shardDir(i)), options.outdir);
  const byStack = new Map(results.flat().map((row) => [row.stack, row]));
  return plans.map((plan) => byStack.get(plan.stackName)!);
}

function defaultWorkers(): number {
  const fromEnv = Number(process.env.SEI_SYNTH_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.min(availableParallelism(), MAX_WORKERS);
}

/**
 * Workers start without the parent's module hooks (Node 20), so each one
 * registers tsx itself before importing the TypeScript worker module.
 */
const WORKER_BOOTSTRAP = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(
  new URL("./synth-worker.ts", import.meta.url).href,
)}); }).catch((error) => { throw error; });`;

function runWorker(input: WorkerInput): Promise<SummaryRow[]> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: input });
    let rows: SummaryRow[] | undefined;
    worker.once("message", (message: SummaryRow[]) => (rows = message));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code === 0 && rows) resolvePromise(rows);
      else reject(new Error(`synthesis worker exited with code ${code}`));
    });
  });
}

interface ManifestFile {
  readonly version: string;
  readonly stacks: Record<string, unknown>;
}

/** Moves every shard's stack folders into `outdir` and writes one manifest listing them all. */
function mergeShards(shardDirs: readonly string[], outdir: string): void {
  const stacksDir = join(outdir, "stacks");
  mkdirSync(stacksDir, { recursive: true });
  const stacks: Record<string, unknown> = {};
  let version = "";
  for (const dir of shardDirs) {
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ManifestFile;
    version = manifest.version;
    Object.assign(stacks, manifest.stacks);
    for (const name of readdirSync(join(dir, "stacks"))) renameSync(join(dir, "stacks", name), join(stacksDir, name));
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = Object.fromEntries(Object.keys(stacks).sort().map((name) => [name, stacks[name]]));
  writeFileSync(join(outdir, "manifest.json"), `${JSON.stringify({ stacks: sorted, version }, null, 2)}\n`);
}
