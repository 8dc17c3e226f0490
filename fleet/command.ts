/**
 * `sei-infra fleet plan|apply|drift`: one synthesis of the selected stacks,
 * then the engine in each stack folder, wave by wave, with one log per stack
 * and one report.
 *
 * Files of a run (the work folder, default .sei-fleet/, is git-ignored):
 *   .sei-fleet/data/<engine>/<stack>/   TF_DATA_DIR of the stack, kept between runs (private; one per engine)
 *   .sei-fleet/runs/<run>/out/          the synthesized stacks, deleted at the end
 *   .sei-fleet/runs/<run>/logs/<stack>.log   one engine log per stack (or --logs DIR)
 *   .sei-fleet/runs/<run>/synth.log     the app's output
 */
import { readFileSync, rmSync } from "node:fs";
import { printable } from "../core/printable.ts";
import { approveApply } from "./approval.ts";
import { logTails } from "./log-tails.ts";
import { join, relative, resolve } from "node:path";
import { mkdirSync } from "node:fs";
import { findEngine, engineLabel } from "./engine.ts";
import { interruptEngines } from "./engine-process.ts";
import { DURATION_HINT, parseDuration } from "../shell/duration.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded, writeOutput, type FleetIo } from "./io.ts";
import { loadSelection, type SelectOptions } from "./load.ts";
import { createProgress, duration, stackLine } from "./progress.ts";
import { renderJunit } from "./render/junit.ts";
import { renderMarkdown } from "./render/markdown.ts";
import {
  BAD_STATUSES,
  REPORT_VERSION,
  exitCodeOf,
  formatReport,
  stackReportOf,
  summarize,
  type FleetCommand,
  type FleetReport,
  type StackReport,
} from "./report.ts";
import { formatRolloutPlan, formatWaves, rolloutPlan } from "./rollout-plan.ts";
import { runWaves } from "./rollout.ts";
import type { FleetStack } from "./selection.ts";
import { runStack } from "./stack-run.ts";
import { checkStateEncryption, rewritesStates } from "./state-encryption.ts";
import { stateEncryptionOf } from "../core/resolve/state-backend.ts";
import { synthesize } from "./synth.ts";
import {
  DEFAULT_WAVES,
  failuresAllowed,
  formatBudget,
  parseFailureBudget,
  parseWaves,
  planWaves,
  canaryChoice,
  droppedWaves,
  type Wave,
} from "./waves.ts";

export interface OutputOptions {
  /** Report files to write (relative to the project root). */
  readonly report?: string;
  readonly summary?: string;
  readonly junit?: string;
}

export interface RunOptions extends SelectOptions, OutputOptions {
  readonly concurrency: number;
  /** Folder of the stack logs. @default <work>/runs/<run>/logs */
  readonly logs?: string;
  /** @default ".sei-fleet" */
  readonly workDir: string;
  /** How long the engine waits for a state lock (`-lock-timeout`). */
  readonly lockTimeout: string;
}

export interface ApplyOptions extends RunOptions {
  readonly waves: string;
  /** Stacks or municipalities of the canary wave, instead of the automatic choice. */
  readonly canary?: readonly string[];
  readonly maxFailures: string;
  readonly dryRun: boolean;
  /** Apply more than one stack without asking (needed without a terminal). */
  readonly yes: boolean;
}

export const DEFAULTS = {
  concurrency: 4,
  workDir: ".sei-fleet",
  lockTimeout: "5m",
  waves: DEFAULT_WAVES,
  maxFailures: "0",
  municipalities: "municipalities",
} as const;

export function fleetRun(command: FleetCommand, options: RunOptions | ApplyOptions, io: FleetIo): Promise<number> {
  return guarded(io, async () => {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new UsageError(`--concurrency ${options.concurrency}: give a whole number from 1`);
    if (parseDuration(options.lockTimeout) === undefined)
      throw new UsageError(`--lock-timeout ${options.lockTimeout}: ${DURATION_HINT}`);
    const apply = command === "apply" ? (options as ApplyOptions) : undefined;
    if (apply?.dryRun && (options.summary || options.junit))
      throw new UsageError(
        "--summary and --junit report what a run did, and --dry-run runs nothing: leave them out (--report writes the planned waves)",
      );
    const steps = apply ? parseWaves(apply.waves) : undefined;
    const budget = apply ? parseFailureBudget(apply.maxFailures) : undefined;

    const loaded = loadSelection(io.cwd, options, io.err);
    if (!loaded.ok) return EXIT.failed;
    const { stacks } = loaded;
    if (stacks.length === 0) {
      // Only --changed-since selects nothing (the other flags refuse an empty selection): nothing to do is success.
      io.out(`sei-infra fleet ${command}: no stack selected; nothing ran\n`);
      return EXIT.ok;
    }
    const waves: Wave[] = steps
      ? planWaves(stacks, steps, canaryChoice(apply?.canary, loaded.platform))
      : [{ name: "all", stacks }];
    for (const line of steps ? droppedWaves(stacks.length, steps, waves) : []) io.err(`sei-infra fleet: ${line}\n`);

    if (apply?.dryRun) {
      io.out(
        `${formatWaves(waves)}\n${stacks.length} stack(s) in ${waves.length} wave(s); --max-failures ${apply.maxFailures}; nothing was run\n`,
      );
      if (options.report) writeOutput(io.cwd, options.report, formatRolloutPlan(rolloutPlan(waves, apply.maxFailures)));
      return EXIT.ok;
    }

    // Asked before anything else is looked at or touched: a refusal leaves no trace.
    if (apply && !(await approveApply(waves, { yes: apply.yes, ask: io.ask, err: io.err }))) return EXIT.failed;
    const engine = findEngine(io.env, io.cwd);
    const encryption = stateEncryptionOf(loaded.platform);
    checkStateEncryption(encryption, engine, io.env);
    const startedAt = new Date();
    const workDir = resolve(io.cwd, options.workDir);
    const runDir = join(workDir, "runs", `${startedAt.toISOString().replace(/[:.]/g, "-")}-${command}-${process.pid}`);
    const logDir = options.logs ? resolve(io.cwd, options.logs) : join(runDir, "logs");
    const outdir = join(runDir, "out");
    mkdirSync(runDir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    mkdirSync(join(workDir, "data", engine.name), { recursive: true, mode: 0o700 });
    io.err(
      `sei-infra fleet ${command}: ${stacks.length} stack(s)${apply ? ` in ${waves.length} wave(s)` : ""}, ${engineLabel(engine)}, concurrency ${options.concurrency}\n`,
    );

    const synthLog = join(runDir, "synth.log");
    const synth = await synthesize(stacks, { root: io.cwd, outdir, log: synthLog, env: io.env });
    if (!synth.ok) {
      io.err(
        `${readFileSync(synthLog, "utf8")}sei-infra fleet: synthesis failed (log: ${relative(io.cwd, synthLog)}); nothing ran\n`,
      );
      return EXIT.failed;
    }
    io.err(`synthesized ${stacks.length} stack(s) in ${duration(synth.ms)}\n`);

    let stopped = false;
    const stop = () => {
      if (!stopped)
        io.err("\nsei-infra fleet: interrupted: no further stack starts; running engines stop at a safe point\n");
      stopped = true;
      interruptEngines();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    const progress = createProgress({
      total: stacks.length,
      concurrency: options.concurrency,
      live: io.live,
      write: io.err,
    });
    const allowed = budget ? failuresAllowed(budget, stacks.length) : Infinity;
    let reports: StackReport[];
    try {
      const context = {
        command,
        engine,
        cwd: io.cwd,
        outdir,
        dataDir: join(workDir, "data", engine.name),
        logDir,
        lockTimeout: options.lockTimeout,
        env: io.env,
        rewriteStates: rewritesStates(encryption),
      };
      reports = await runWaves(waves, {
        concurrency: options.concurrency,
        failuresAllowed: allowed,
        budgetLabel: budget ? formatBudget(budget) : "",
        namedWaves: command === "apply",
        run: (stack, wave) => runStack(stack, wave, context),
        skip: skipped,
        onWave: (wave, index, count) => progress.wave(wave, index, count),
        onStart: (stack) => progress.start(stack),
        onDone: (report) => progress.done(report),
        stopped: () => stopped,
      });
    } finally {
      progress.finish();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      rmSync(outdir, { recursive: true, force: true });
    }

    const report: FleetReport = {
      schemaVersion: REPORT_VERSION,
      command,
      selection: {
        municipalities: options.municipalities,
        ...(options.only ? { only: [...options.only] } : {}),
        ...(options.tiers ? { tiers: [...options.tiers] } : {}),
        ...(options.phases ? { phases: [...options.phases] } : {}),
        ...(options.clusters ? { clusters: [...options.clusters] } : {}),
        ...(options.changedSince !== undefined ? { changedSince: options.changedSince } : {}),
      },
      engine,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      concurrency: options.concurrency,
      maxFailures: apply ? apply.maxFailures : null,
      waves: waves.map((w) => ({ name: w.name, stacks: w.stacks.map((s) => s.name) })),
      summary: summarize(reports),
      stacks: reports,
    };
    writeReports(report, options, io, logDir);
    io.out(finalSummary(report));
    return exitCodeOf(reports);
  });
}

function skipped(stack: FleetStack, wave: string | null, reason: string): StackReport {
  return stackReportOf(stack, wave, "skipped", { error: reason });
}

/**
 * Writes the JSON report, the markdown summary and the JUnit XML that were
 * asked for. The JUnit quotes the end of the failed stacks' logs, read only
 * under `logRoot` (absolute; fleet/log-tails.ts).
 */
export function writeReports(report: FleetReport, options: OutputOptions, io: FleetIo, logRoot: string): void {
  if (options.report) writeOutput(io.cwd, options.report, formatReport(report));
  if (options.summary) writeOutput(io.cwd, options.summary, renderMarkdown(report));
  if (options.junit) writeOutput(io.cwd, options.junit, renderJunit(report, logTails(report, io.cwd, logRoot)));
}

export function finalSummary(report: FleetReport): string {
  const counts = Object.entries(report.summary)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  const attention = report.stacks.filter((s) => BAD_STATUSES.includes(s.status) && s.status !== "skipped");
  const skippedCount = report.summary.skipped;
  const elapsed = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  return [
    `fleet ${report.command}: ${report.stacks.length} stack(s): ${counts.join(", ")} in ${duration(elapsed)}`,
    ...attention.map((s) => `  ${stackLine(s)}`),
    ...(skippedCount > 0
      ? [
          `  ${skippedCount} stack(s) skipped: ${printable(report.stacks.find((s) => s.status === "skipped")?.error ?? "")}`,
        ]
      : []),
    "",
  ].join("\n");
}
