/**
 * Runs waves one after the other, each with at most `concurrency` stacks at
 * once. Inside a wave every stack runs whatever happens to the others; the
 * next wave starts only while the failed and refused stacks so far are within
 * the budget. Stacks of held waves, and stacks not yet started when the run
 * is interrupted, are reported as skipped.
 */
import pLimit from "p-limit";
import { failureCount, type StackReport } from "./report.ts";
import type { FleetStack } from "./selection.ts";
import type { Wave } from "./waves.ts";

export interface RolloutOptions {
  readonly concurrency: number;
  /** Failed or refused stacks tolerated before later waves are held; Infinity for plan and drift. */
  readonly failuresAllowed: number;
  /** Label of the budget for messages (`0`, `5%`). */
  readonly budgetLabel: string;
  /** Whether the report names waves (apply) or not (plan, drift). */
  readonly namedWaves: boolean;
  readonly run: (stack: FleetStack, wave: string | null) => Promise<StackReport>;
  readonly skip: (stack: FleetStack, wave: string | null, reason: string) => StackReport;
  readonly onWave?: (wave: Wave, index: number, count: number) => void;
  readonly onStart?: (stack: FleetStack) => void;
  readonly onDone?: (report: StackReport) => void;
  /** True once the run is interrupted: no further stack starts. */
  readonly stopped: () => boolean;
}

export async function runWaves(waves: readonly Wave[], options: RolloutOptions): Promise<StackReport[]> {
  const reports: StackReport[] = [];
  const limit = pLimit(options.concurrency);
  let heldBecause: string | undefined;
  for (const [index, wave] of waves.entries()) {
    const waveName = options.namedWaves ? wave.name : null;
    if (heldBecause) {
      for (const stack of wave.stacks) reports.push(done(options, options.skip(stack, waveName, heldBecause)));
      continue;
    }
    options.onWave?.(wave, index, waves.length);
    const results = await Promise.all(
      wave.stacks.map((stack) =>
        limit(async () => {
          if (options.stopped()) return done(options, options.skip(stack, waveName, "interrupted before it started"));
          options.onStart?.(stack);
          return done(options, await options.run(stack, waveName));
        }),
      ),
    );
    reports.push(...results);
    const failures = failureCount(reports);
    if (failures > options.failuresAllowed && index < waves.length - 1) {
      heldBecause = `held: ${failures} stack(s) failed or were refused by the end of wave ${wave.name}, more than --max-failures ${options.budgetLabel}`;
    }
  }
  return reports;
}

function done(options: RolloutOptions, report: StackReport): StackReport {
  options.onDone?.(report);
  return report;
}
