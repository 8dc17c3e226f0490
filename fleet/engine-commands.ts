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
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { printable } from "../core/printable.ts";
import { approveApply } from "./approval.ts";
import { logTails } from "./log-tails.ts";
import { join, relative, resolve } from "node:path";
import { mkdirSync } from "node:fs";
import { findEngine, engineLabel, type Engine } from "./engine.ts";
import { interruptEngines } from "./engine-process.ts";
import { DURATION_HINT, parseDuration } from "../shell/duration.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded } from "../shell/guard.ts";
import { atRoot, rebased } from "../shell/paths.ts";
import type { Io } from "../shell/io.ts";
import { NOTHING, noStackSelected } from "../shell/messages.ts";
import { writeOutput } from "../shell/output-file.ts";
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
import { runStack, type StackRunContext } from "./stack-run.ts";
import { checkStateEncryption, passphraseVariables, rewritesStates } from "./state-encryption.ts";
import type { StateEncryptionPlan } from "../core/plan.ts";
import type { Platform } from "../core/schema/platform.ts";
import { SUMMARY_FILE, prepareOutDir, readSavedPlans, recordKey, type SavedPlan } from "./saved-plans.ts";
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
  type FailureBudget,
  type Wave,
  type WaveStep,
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
  /** @default ".sei-fleet" at the repository root */
  readonly workDir?: string;
  /** How long the engine waits for a state lock (`-lock-timeout`). */
  readonly lockTimeout: string;
  /** plan only: save each plan with changes, and its record, in this new folder (fleet/saved-plans.ts). */
  readonly out?: string;
}

export interface ApplyOptions extends RunOptions {
  readonly waves: string;
  /** Stacks or municipalities of the canary wave, instead of the automatic choice. */
  readonly canary?: readonly string[];
  readonly maxFailures: string;
  readonly dryRun: boolean;
  /** Apply more than one stack without asking (needed without a terminal). */
  readonly yes: boolean;
  /** Apply exactly the plans saved in this folder by `plan --out` (the selection narrows to them). */
  readonly plans?: string;
}

export const DEFAULTS = {
  concurrency: 4,
  workDir: ".sei-fleet",
  lockTimeout: "5m",
  waves: DEFAULT_WAVES,
  maxFailures: "0",
} as const;

/** The options of a run that name files or folders: typed where the command runs, used at the root. */
const RUN_PATHS = ["municipalities", "report", "summary", "junit", "logs", "workDir", "out", "plans"] as const;

/** What a run is about: what was selected, in which waves, and what it was given. */
interface ChosenRun {
  readonly command: FleetCommand;
  readonly options: RunOptions;
  readonly apply: ApplyOptions | undefined;
  /** The folder of the municipality files, relative to the root. */
  readonly municipalities: string;
  readonly stacks: readonly FleetStack[];
  /** apply --plans: stacks whose saved plan had no changes; reported, never run. */
  readonly unchanged: readonly FleetStack[];
  /** apply --plans: the saved plans of the stacks to run. */
  readonly savedPlans: ReadonlyMap<string, SavedPlan> | undefined;
  readonly waves: readonly Wave[];
  readonly budget: FailureBudget | undefined;
  readonly encryption: StateEncryptionPlan | null;
  /** plan --out, apply --plans: the key saved plans are signed with. */
  readonly key: Buffer | undefined;
}

/** A run ready to start: what it is about, and the engine and folders it runs with. */
interface PreparedRun extends ChosenRun {
  readonly engine: Engine;
  readonly startedAt: Date;
  readonly logDir: string;
  readonly outdir: string;
  readonly context: StackRunContext;
}

/** `fleet plan|apply|drift`: prepare (select, ask, synthesize), roll out wave by wave, report. */
export function fleetRun(command: FleetCommand, options: RunOptions | ApplyOptions, started: Io): Promise<number> {
  return guarded("fleet", started.stderr, async () => {
    const { io, typed } = atRoot(started);
    options = rebased(options as ApplyOptions, RUN_PATHS, typed);
    const prepared = await prepare(command, options, io);
    if (typeof prepared === "number") return prepared;
    const reports = await rollout(prepared, io);
    return finish(prepared, reports, io);
  });
}

/**
 * Everything before the first stack runs: what the run is about (chooseRun),
 * then the ways it may end before any stack: nothing selected, a dry run, no
 * approval, a failed synthesis, each of which returns its exit code.
 */
async function prepare(
  command: FleetCommand,
  options: RunOptions | ApplyOptions,
  io: Io,
): Promise<PreparedRun | number> {
  const run = chooseRun(command, options, io);
  if (typeof run === "number") return run;
  const { apply, stacks, waves } = run;
  if (stacks.length === 0 && run.unchanged.length === 0) {
    // Only --changed-since or --plans select nothing (the other flags refuse an empty selection): nothing to do is success.
    io.stdout(`${noStackSelected(`sei-infra fleet ${command}`, NOTHING.ran)}\n`);
    return EXIT.ok;
  }
  if (apply?.dryRun) return dryRun(stacks, waves, apply, io);
  // Asked before anything else is looked at or touched: a refusal leaves no trace.
  if (apply && !(await approveApply(waves, { yes: apply.yes, ask: io.ask, err: io.stderr }))) return EXIT.failed;
  const engine = findEngine(io.env, io.cwd);
  checkStateEncryption(run.encryption, engine, io.env);
  const folders = workFolders(command, options, engine, io.cwd);
  io.stderr(
    `sei-infra fleet ${command}: ${stacks.length} stack(s)${apply ? ` in ${waves.length} wave(s)` : ""}, ${engineLabel(engine)}, concurrency ${options.concurrency}\n`,
  );
  if (!(await synthesized(stacks, folders, io))) return EXIT.failed;
  const { startedAt, logDir, outdir } = folders;
  return { ...run, engine, startedAt, logDir, outdir, context: stackRunContext(run, engine, folders, io) };
}

/** What the run is about, decided from the files alone: options checked, the selection, saved plans, waves. */
function chooseRun(command: FleetCommand, options: RunOptions | ApplyOptions, io: Io): ChosenRun | number {
  const { apply, steps, budget } = checkedOptions(command, options);
  const loaded = loadSelection(io.cwd, options, io.stderr);
  if (!loaded.ok) return EXIT.failed;
  const encryption = stateEncryptionOf(loaded.platform);
  const saving = options.out !== undefined ? "--out" : apply?.plans !== undefined ? "--plans" : undefined;
  const key = saving ? savedPlanKey(encryption, saving, io.env) : undefined;
  const { stacks, unchanged, savedPlans } =
    apply?.plans !== undefined
      ? narrowedToSavedPlans(loaded.stacks, apply.plans, key!, io)
      : { stacks: loaded.stacks, unchanged: [], savedPlans: undefined };
  const waves = wavesOf(stacks, steps, apply, loaded.platform, io);
  const { municipalities } = loaded;
  return { command, options, apply, municipalities, stacks, unchanged, savedPlans, waves, budget, encryption, key };
}

/** The options no file is needed to judge, checked first: a typo costs no load. */
function checkedOptions(command: FleetCommand, options: RunOptions | ApplyOptions) {
  if (parseDuration(options.lockTimeout) === undefined)
    throw new UsageError(`--lock-timeout ${options.lockTimeout}: ${DURATION_HINT}`);
  const apply = command === "apply" ? (options as ApplyOptions) : undefined;
  if (apply?.dryRun && (options.summary || options.junit))
    throw new UsageError(
      "--summary and --junit report what a run did, and --dry-run runs nothing: leave them out (--report writes the planned waves)",
    );
  if (options.out !== undefined && command !== "plan") throw new UsageError("--out saves plans: it is for fleet plan");
  return {
    apply,
    steps: apply ? parseWaves(apply.waves) : undefined,
    budget: apply ? parseFailureBudget(apply.maxFailures) : undefined,
  };
}

/** apply --plans: exactly the saved plans; a stack with none is not selected, one whose plan had no changes runs nothing. */
function narrowedToSavedPlans(selected: readonly FleetStack[], folder: string, key: Buffer, io: Io) {
  const saved = readSavedPlans(io.cwd, folder, selected, key);
  const unchanged = selected.filter((s) => saved.plans.get(s.name)?.planFile === null);
  const stacks = selected.filter((s) => saved.plans.get(s.name)?.planFile);
  io.stderr(
    `--plans ${printable(folder)}: ${stacks.length} plan(s) to apply, ${unchanged.length} without changes${saved.notSelected.length > 0 ? `; not selected, left alone: ${saved.notSelected.join(", ")}` : ""}\n`,
  );
  return { stacks, unchanged, savedPlans: saved.plans };
}

/** apply rolls out in the --waves steps (canary first); plan and drift run everything as one wave. */
function wavesOf(
  stacks: readonly FleetStack[],
  steps: readonly WaveStep[] | undefined,
  apply: ApplyOptions | undefined,
  platform: Platform,
  io: Io,
): Wave[] {
  if (stacks.length === 0) return [];
  if (!steps) return [{ name: "all", stacks }];
  const waves = planWaves(stacks, steps, canaryChoice(apply?.canary, platform));
  for (const line of droppedWaves(stacks.length, steps, waves)) io.stderr(`sei-infra fleet: ${line}\n`);
  return waves;
}

/** apply --dry-run: the waves shown (and written to --report), and nothing run. */
function dryRun(stacks: readonly FleetStack[], waves: readonly Wave[], apply: ApplyOptions, io: Io): number {
  io.stdout(
    `${formatWaves(waves)}\n${stacks.length} stack(s) in ${waves.length} wave(s); --max-failures ${apply.maxFailures}; ${NOTHING.ran}\n`,
  );
  if (apply.report) writeOutput(io.cwd, apply.report, formatRolloutPlan(rolloutPlan(waves, apply.maxFailures)));
  return EXIT.ok;
}

/** Where the run writes: its own run folder, its logs, and the engine's data kept between runs (private). */
function workFolders(command: FleetCommand, options: RunOptions, engine: Engine, cwd: string) {
  const startedAt = new Date();
  const workDir = resolve(cwd, options.workDir ?? DEFAULTS.workDir);
  const runDir = join(workDir, "runs", `${startedAt.toISOString().replace(/[:.]/g, "-")}-${command}-${process.pid}`);
  const folders = {
    startedAt,
    runDir,
    logDir: options.logs ? resolve(cwd, options.logs) : join(runDir, "logs"),
    outdir: join(runDir, "out"),
    dataDir: join(workDir, "data", engine.name),
  };
  if (options.out !== undefined) prepareOutDir(cwd, options.out);
  mkdirSync(runDir, { recursive: true });
  mkdirSync(folders.logDir, { recursive: true });
  mkdirSync(folders.dataDir, { recursive: true, mode: 0o700 });
  return folders;
}

/** One synthesis of the selected stacks; a failure prints its log and nothing runs. */
async function synthesized(
  stacks: readonly FleetStack[],
  folders: { readonly runDir: string; readonly outdir: string },
  io: Io,
): Promise<boolean> {
  const synthLog = join(folders.runDir, "synth.log");
  // Nothing to synthesize when every saved plan is without changes (an empty SEI_ONLY would mean every stack).
  const synth =
    stacks.length > 0
      ? await synthesize(stacks, { root: io.cwd, outdir: folders.outdir, log: synthLog, env: io.env })
      : { ok: true, ms: 0 };
  if (!synth.ok) {
    io.stderr(
      `${readFileSync(synthLog, "utf8")}sei-infra fleet: synthesis failed (log: ${relative(io.cwd, synthLog)}); ${NOTHING.ran}\n`,
    );
    return false;
  }
  io.stderr(`synthesized ${stacks.length} stack(s) in ${duration(synth.ms)}\n`);
  return true;
}

/** What each stack's engine run is given: the engine, its folders, and the saved plans it saves or applies. */
function stackRunContext(
  run: ChosenRun,
  engine: Engine,
  folders: { readonly outdir: string; readonly dataDir: string; readonly logDir: string },
  io: Io,
): StackRunContext {
  const { command, options, key, savedPlans } = run;
  return {
    command,
    engine,
    cwd: io.cwd,
    outdir: folders.outdir,
    dataDir: folders.dataDir,
    logDir: folders.logDir,
    lockTimeout: options.lockTimeout,
    env: io.env,
    rewriteStates: rewritesStates(run.encryption),
    ...(options.out !== undefined ? { saveTo: { dir: options.out, key: key! } } : {}),
    ...(savedPlans ? { savedPlans } : {}),
  };
}

/** Saved plans hold every password: they exist only encrypted, and their records are signed from the passphrase. */
function savedPlanKey(encryption: StateEncryptionPlan | null, flag: string, env: Io["env"]): Buffer {
  if (!encryption)
    throw new UsageError(
      `${flag}: saved plans hold every password of their stacks, so they are only kept encrypted: platform.yaml needs stateEncryption (docs/synth.md, "State encryption")`,
    );
  checkStateEncryption(encryption, { name: "opentofu" }, env);
  return recordKey(env[passphraseVariables(encryption)[0]!]!);
}

/** The waves, at most --concurrency stacks at once, with progress; Ctrl-C starts no further stack. */
async function rollout(run: PreparedRun, io: Io): Promise<StackReport[]> {
  let stopped = false;
  const stop = () => {
    if (!stopped)
      io.stderr("\nsei-infra fleet: interrupted: no further stack starts; running engines stop at a safe point\n");
    stopped = true;
    interruptEngines();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const progress = createProgress({
    total: run.stacks.length,
    concurrency: run.options.concurrency,
    // Drawn where the output is a terminal and not CI.
    live: io.colour && !io.env.CI,
    write: io.stderr,
  });
  try {
    return await runWaves(run.waves, {
      concurrency: run.options.concurrency,
      failuresAllowed: run.budget ? failuresAllowed(run.budget, run.stacks.length) : Infinity,
      budgetLabel: run.budget ? formatBudget(run.budget) : "",
      namedWaves: run.command === "apply",
      run: (stack, wave) => runStack(stack, wave, run.context),
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
    rmSync(run.outdir, { recursive: true, force: true });
  }
}

/** The report, summary and JUnit asked for, the summary beside saved plans, the final lines; the exit code. */
function finish(run: PreparedRun, reports: StackReport[], io: Io): number {
  const { options } = run;
  reports = [...reports, ...run.unchanged.map((s) => stackReportOf(s, null, "no-changes"))];
  const report: FleetReport = {
    schemaVersion: REPORT_VERSION,
    command: run.command,
    selection: {
      municipalities: run.municipalities,
      ...(options.only ? { only: [...options.only] } : {}),
      ...(options.tiers ? { tiers: [...options.tiers] } : {}),
      ...(options.phases ? { phases: [...options.phases] } : {}),
      ...(options.clusters ? { clusters: [...options.clusters] } : {}),
      ...(options.changedSince !== undefined ? { changedSince: options.changedSince } : {}),
    },
    engine: run.engine,
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    concurrency: options.concurrency,
    maxFailures: run.apply ? run.apply.maxFailures : null,
    waves: run.waves.map((w) => ({ name: w.name, stacks: w.stacks.map((s) => s.name) })),
    summary: summarize(reports),
    stacks: reports,
  };
  writeReports(report, options, io, run.logDir);
  io.stdout(finalSummary(report));
  if (options.out !== undefined) {
    writeOutput(io.cwd, join(options.out, SUMMARY_FILE), renderMarkdown(report));
    const saved = readdirSync(resolve(io.cwd, options.out)).filter((name) => name.endsWith(".tfplan")).length;
    io.stdout(
      `saved ${saved} plan(s) in ${printable(options.out)}; review ${printable(join(options.out, SUMMARY_FILE))}, then: sei-infra fleet apply --plans ${printable(options.out)}\n`,
    );
  }
  return exitCodeOf(reports);
}

function skipped(stack: FleetStack, wave: string | null, reason: string): StackReport {
  return stackReportOf(stack, wave, "skipped", { error: reason });
}

/**
 * Writes the JSON report, the markdown summary and the JUnit XML that were
 * asked for. The JUnit quotes the end of the failed stacks' logs, read only
 * under `logRoot` (absolute; fleet/log-tails.ts).
 */
export function writeReports(report: FleetReport, options: OutputOptions, io: Io, logRoot: string): void {
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
