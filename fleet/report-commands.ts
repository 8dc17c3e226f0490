/**
 * `sei-infra fleet report merge|gate`: what the jobs of an emitted pipeline
 * run between and after the stack jobs.
 *
 * - merge: per-stack reports (files, or folders of them) → one report, plus
 *   its markdown and JUnit; exits like the run it sums up (1 if anything
 *   failed, was refused, drifted or was skipped).
 * - gate: exits 1 when the reports so far count more failed or refused stacks
 *   than --max-failures, which stops the later waves of the pipeline. With
 *   --plan and --wave N, every stack of the waves before N counts, and one
 *   without a report is a failure: its job died before it could write one.
 */
import { resolve } from "node:path";
import { DEFAULTS, writeReports, type OutputOptions } from "./engine-commands.ts";
import { printable } from "../core/printable.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded } from "../shell/guard.ts";
import type { Io } from "../shell/io.ts";
import { mergeReports, summaryLine, type NamedReport } from "./merge.ts";
import { jsonFilesOf, readJsonFile } from "./read-json.ts";
import { FAILURE_STATUSES, exitCodeOf, reportSchema } from "./report.ts";
import { rolloutPlanSchema, type RolloutPlan } from "./rollout-plan.ts";
import { failuresAllowed, parseFailureBudget } from "./waves.ts";

export interface ReportInputs {
  /** Report files, or folders searched for *.json. */
  readonly files: readonly string[];
  /** The rollout plan the pipeline was emitted from. */
  readonly plan?: string;
}

function readInputs(inputs: ReportInputs, io: Io): { reports: NamedReport[]; plan: RolloutPlan | undefined } {
  const plan = inputs.plan ? readJsonFile(io.cwd, inputs.plan, rolloutPlanSchema, "rollout plan") : undefined;
  const files = jsonFilesOf(io.cwd, inputs.files, plan !== undefined);
  const reports = files.map((file) => ({ file, report: readJsonFile(io.cwd, file, reportSchema, "fleet report") }));
  return { reports, plan };
}

export interface MergeOptions extends ReportInputs, OutputOptions {
  /** The only folder the JUnit quotes stack logs from. @default the work folder, DEFAULTS.workDir */
  readonly logs?: string;
}

export function fleetMerge(options: MergeOptions, io: Io): Promise<number> {
  return guarded("fleet", io.stderr, () => {
    if (!options.report && !options.summary && !options.junit)
      throw new UsageError("report merge: give --report, --summary or --junit (where to write)");
    const { reports, plan } = readInputs(options, io);
    const merged = mergeReports(reports, plan);
    writeReports(merged, options, io, resolve(io.cwd, options.logs ?? DEFAULTS.workDir));
    io.stdout(`merged ${reports.length} report(s): ${summaryLine(merged)}\n`);
    return exitCodeOf(merged.stacks);
  });
}

export interface GateOptions extends ReportInputs {
  readonly maxFailures: string;
  /** The wave about to start (1-based); needs the plan. */
  readonly wave?: number;
}

export function fleetGate(options: GateOptions, io: Io): Promise<number> {
  return guarded("fleet", io.stderr, () => {
    const budget = parseFailureBudget(options.maxFailures);
    const { reports, plan } = readInputs(options, io);
    if (budget.kind === "percent" && !plan)
      throw new UsageError(
        `--max-failures ${options.maxFailures}: a percentage needs --plan (the size of the rollout)`,
      );
    if (
      options.wave !== undefined &&
      (!plan || !Number.isInteger(options.wave) || options.wave < 2 || options.wave > plan.waves.length)
    ) {
      throw new UsageError(`--wave ${options.wave}: give the wave about to start, 2 to the number of waves of --plan`);
    }
    const reported = new Map((reports.length > 0 ? mergeReports(reports).stacks : []).map((s) => [s.name, s]));
    const counted =
      plan && options.wave !== undefined
        ? plan.waves.slice(0, options.wave - 1).flatMap((w) => w.stacks)
        : [...reported.keys()];
    const failures = counted.flatMap((name) => {
      const stack = reported.get(name);
      if (!stack) return [`${name}: no report: its job died before writing one`];
      // A report's error is anyone's text (CI artifacts): escaped before it reaches the terminal.
      return FAILURE_STATUSES.includes(stack.status)
        ? [`${name}: ${stack.status}: ${printable(stack.error ?? "")}`]
        : [];
    });
    const allowed = failuresAllowed(budget, plan ? plan.stacks.length : reported.size);
    if (failures.length > allowed) {
      io.stderr(
        `gate: ${failures.length} stack(s) failed or were refused, more than --max-failures ${options.maxFailures} (${allowed}): later waves are held\n`,
      );
      for (const line of failures) io.stderr(`  ${line}\n`);
      return EXIT.failed;
    }
    io.stdout(
      `gate: ${failures.length} failed or refused stack(s) of ${counted.length}; --max-failures ${options.maxFailures} (${allowed}): the next wave may start\n`,
    );
    return EXIT.ok;
  });
}
