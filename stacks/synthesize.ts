/**
 * Synthesizes a set of plans into an output folder, on several cores when
 * the set is large. cdktf synthesis is single-threaded and CPU-bound, so the
 * fleet's 853 stacks are shared between this thread and worker threads
 * (runtime/worker-pool.ts): each claims the next batch of plans from a shared
 * counter, synthesizes it with its own cdktf App into a batch folder, and
 * claims again, so a thread that starts late or runs slower simply does fewer
 * batches. The batch folders are then merged: stack folders moved, manifests
 * joined. Stack folders and manifest entries are exactly what one App over
 * all the plans would write (a test compares them).
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { InstancePlan } from "../core/plan.ts";
import { stackInputs, synthesizeApp, type SummaryRow } from "./fleet-app.ts";
import type { StackInputs } from "./municipality-stack.ts";
import { withoutStackTraces } from "../runtime/stack-traces.ts";
import { runTsxWorker } from "../runtime/worker-pool.ts";

export interface SynthesizeOptions {
  /** Repository root (chart folder, local state folder). */
  readonly root: string;
  /** Folder to write manifest.json and stacks/ into. */
  readonly outdir: string;
  /**
   * Threads for a large set, this one included; 1 synthesizes in this thread only.
   * @default SEI_SYNTH_WORKERS, else the number of cores, at most 4
   */
  readonly workers?: number;
  /**
   * Fewest stacks worth a worker thread: below this its start-up (loading
   * cdktf) costs more than it saves.
   * @default 100
   */
  readonly stacksPerWorker?: number;
}

const STACKS_PER_WORKER = 100;
const MAX_WORKERS = 4;
/** Plans per claim: small enough to even out the threads' finish, large enough that Apps are few. */
const BATCH = 16;

export interface WorkerInput {
  readonly plans: readonly InstancePlan[];
  readonly inputs: StackInputs;
  /** Parent of the batch folders. */
  readonly outdir: string;
  /** Index of the next unclaimed plan, shared by all threads (Int32Array over a SharedArrayBuffer). */
  readonly next: Int32Array;
}

/** Claims batches until none is left; each batch becomes one App in `outdir/.batch-<first index>`. */
export function synthesizeClaimed({ plans, inputs, outdir, next }: WorkerInput): SummaryRow[] {
  return withoutStackTraces(() => {
    const rows: SummaryRow[] = [];
    for (let start = Atomics.add(next, 0, BATCH); start < plans.length; start = Atomics.add(next, 0, BATCH)) {
      rows.push(...synthesizeApp(plans.slice(start, start + BATCH), { inputs, outdir: batchDir(outdir, start) }));
    }
    return rows;
  });
}

export async function synthesizeFleet(
  plans: readonly InstancePlan[],
  options: SynthesizeOptions,
): Promise<SummaryRow[]> {
  const wanted = options.workers ?? defaultWorkers();
  const threads = Math.max(
    1,
    Math.min(wanted, Math.floor(plans.length / (options.stacksPerWorker ?? STACKS_PER_WORKER))),
  );
  // Computed once here, for the final folder (a batch folder sits one level deeper).
  const inputs = stackInputs(options.root, options.outdir, plans);
  if (threads === 1) return withoutStackTraces(() => synthesizeApp(plans, { inputs, outdir: options.outdir }));

  mkdirSync(options.outdir, { recursive: true });
  const input: WorkerInput = {
    plans,
    inputs,
    outdir: options.outdir,
    next: new Int32Array(new SharedArrayBuffer(4)),
  };
  const workers = Array.from({ length: threads - 1 }, () => runWorker(input));
  // This thread has cdktf loaded already and starts claiming while the workers load it.
  let here: SummaryRow[];
  try {
    here = synthesizeClaimed(input);
  } catch (error) {
    await Promise.allSettled(workers);
    throw error;
  }
  const rows = [...here, ...(await Promise.all(workers)).flat()];
  mergeBatches(options.outdir);
  const byStack = new Map(rows.map((row) => [row.stack, row]));
  return plans.map((plan) => byStack.get(plan.stackName)!);
}

function defaultWorkers(): number {
  const fromEnv = Number(process.env.SEI_SYNTH_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.min(availableParallelism(), MAX_WORKERS);
}

function batchDir(outdir: string, start: number): string {
  return join(outdir, `.batch-${start}`);
}

function runWorker(input: WorkerInput): Promise<SummaryRow[]> {
  return runTsxWorker<SummaryRow[]>(new URL("./synth-worker.ts", import.meta.url), input, "synthesis worker");
}

interface ManifestFile {
  readonly version: string;
  readonly stacks: Record<string, unknown>;
}

/** Moves every batch's stack folders into `outdir` and writes one manifest listing them all. */
function mergeBatches(outdir: string): void {
  const stacksDir = join(outdir, "stacks");
  mkdirSync(stacksDir, { recursive: true });
  const stacks: Record<string, unknown> = {};
  let version = "";
  for (const name of readdirSync(outdir).filter((n) => n.startsWith(".batch-"))) {
    const dir = join(outdir, name);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ManifestFile;
    version = manifest.version;
    Object.assign(stacks, manifest.stacks);
    for (const stack of readdirSync(join(dir, "stacks")))
      renameSync(join(dir, "stacks", stack), join(stacksDir, stack));
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((name) => [name, stacks[name]]),
  );
  writeFileSync(join(outdir, "manifest.json"), `${JSON.stringify({ stacks: sorted, version }, null, 2)}\n`);
}
