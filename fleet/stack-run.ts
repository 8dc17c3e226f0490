/**
 * One stack, one command: init, plan to a file, read the plan with
 * `show -json`, and for apply, apply exactly that saved plan — only when it
 * deletes or replaces no data-bearing resource.
 *
 * The engine runs in the synthesized stack folder with the stack's own
 * TF_DATA_DIR (outside the synthesized output, so a new synthesis keeps it),
 * never asks for input, waits up to --lock-timeout for a state lock, and
 * prints no colour. The plan file holds the state, passwords included: it
 * lives in the stack's private data folder and is deleted when the stack is
 * done. Its `show -json` is parsed in memory and never written anywhere.
 */
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import {
  countChanges,
  classifyDrift,
  dataBearingDeletes,
  driftedAddresses,
  engineRefusals,
  errorSummaries,
  hasChanges,
  parsePlanJson,
  type ChangeCounts,
  type PlanJson,
} from "./classify.ts";
import type { Engine } from "./engine.ts";
import { openStackLog, runEngine, type EngineCall, type StackLog } from "./engine-process.ts";
import { stackReportOf, type FleetCommand, type StackReport, type StackStatus } from "./report.ts";
import type { FleetStack } from "./selection.ts";

export interface StackRunContext {
  readonly command: FleetCommand;
  readonly engine: Engine;
  /** Where the command runs: paths in the report are relative to it. */
  readonly cwd: string;
  /** The synthesized output (its stacks/<name> folders). */
  readonly outdir: string;
  /** Parent of the per-stack TF_DATA_DIR folders. */
  readonly dataDir: string;
  readonly logDir: string;
  readonly lockTimeout: string;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Apply plans with no changes too: while the state key is rotated, applying
   * the empty plan writes the state again under the new key (fleet/state-encryption.ts).
   */
  readonly rewriteStates: boolean;
}

type Timings = StackReport["timings"];

interface Outcome {
  readonly status: StackStatus;
  readonly counts?: ChangeCounts;
  readonly drifted?: readonly string[];
  readonly refused?: readonly string[];
  readonly error?: string;
}

export async function runStack(stack: FleetStack, wave: string | null, context: StackRunContext): Promise<StackReport> {
  const started = Date.now();
  const dataDir = join(context.dataDir, stack.name);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const planFile = join(dataDir, "fleet.tfplan");
  const logPath = join(context.logDir, `${stack.name}.log`);
  let log: StackLog;
  try {
    log = openStackLog(logPath);
  } catch (error) {
    return stackReportOf(stack, wave, "failed", {
      error: `cannot write its log ${relative(context.cwd, logPath)}: ${(error as Error).message}`,
    });
  }
  const call: EngineCall = {
    engine: context.engine,
    cwd: join(context.outdir, "stacks", stack.name),
    env: { ...context.env, TF_DATA_DIR: dataDir, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" },
    log,
  };
  const timings: { -readonly [K in keyof Timings]: Timings[K] } = {};
  let outcome: Outcome;
  try {
    log.note(
      `# sei-infra fleet ${context.command} ${stack.name} (${stack.tier}, cluster ${stack.cluster}${wave ? `, wave ${wave}` : ""})`,
    );
    outcome = await steps(call, context, planFile, timings);
  } catch (error) {
    outcome = { status: "failed", error: error instanceof Error ? error.message : String(error) };
    log.note(`# ${outcome.error}`);
  } finally {
    rmSync(planFile, { force: true });
  }
  log.note(`# ${stack.name}: ${outcome.status}${outcome.error ? `: ${outcome.error}` : ""}`);
  log.close();
  return stackReportOf(stack, wave, outcome.status, {
    ...outcome.counts,
    drifted: [...(outcome.drifted ?? [])],
    refused: [...(outcome.refused ?? [])],
    durationMs: Date.now() - started,
    log: relative(context.cwd, logPath),
    error: outcome.error ?? null,
    timings,
  });
}

async function steps(
  call: EngineCall,
  context: StackRunContext,
  planFile: string,
  timings: { -readonly [K in keyof Timings]: Timings[K] },
): Promise<Outcome> {
  const lock = `-lock-timeout=${context.lockTimeout}`;
  const init = await runEngine(call, ["init", "-input=false", "-no-color", lock]);
  timings.initMs = init.ms;
  if (init.code !== 0) return failed(call.log, "init", init.code);

  // A normal plan for drift too: it refreshes like a refresh-only plan, and its resource_changes tell
  // real drift (what the plan would set back) from the engine's noise (fleet/classify.ts).
  const plan = await runEngine(call, ["plan", "-input=false", "-no-color", lock, `-out=${planFile}`]);
  timings.planMs = plan.ms;
  if (plan.code !== 0) {
    const refused = engineRefusals(call.log.tail());
    if (refused.length > 0)
      return { status: "refused", refused, error: refusal(refused, "prevent_destroy stopped the plan") };
    return failed(call.log, "plan", plan.code);
  }

  const show = await runEngine(call, ["show", "-json", "-no-color", planFile], { captureStdout: true });
  timings.showMs = show.ms;
  if (show.code !== 0) return failed(call.log, "show -json", show.code);
  const json: PlanJson = parsePlanJson(show.stdout ?? "");
  const counts = countChanges(json);
  const drifted = driftedAddresses(json);

  if (context.command === "drift") {
    const drift = classifyDrift(json);
    call.log.note(`# drift: ${drift.state}${drift.state === "drifted" ? ` (${drift.addresses.join(", ")})` : ""}`);
    return {
      status: drift.state === "drifted" ? "drifted" : drift.state === "pending" ? "changes" : "no-changes",
      drifted,
      counts,
    };
  }

  const refused = dataBearingDeletes(json);
  if (refused.length > 0) {
    call.log.note(`# refused: the plan deletes or replaces ${refused.join(", ")}; nothing was applied`);
    return {
      status: "refused",
      counts,
      drifted,
      refused,
      error: refusal(refused, "the plan deletes or replaces data-bearing resources"),
    };
  }
  if (!hasChanges(json) && !(context.command === "apply" && context.rewriteStates))
    return { status: "no-changes", counts };
  if (context.command === "plan") return { status: "changes", counts, drifted };

  const apply = await runEngine(call, ["apply", "-input=false", "-no-color", lock, planFile]);
  timings.applyMs = apply.ms;
  if (apply.code !== 0) return { ...failed(call.log, "apply", apply.code), counts, drifted };
  return { status: "applied", counts, drifted };
}

function refusal(addresses: readonly string[], why: string): string {
  return `${why}: ${addresses.join(", ")}`;
}

function failed(log: StackLog, step: string, code: number): Outcome {
  const summaries = errorSummaries(log.tail());
  return {
    status: "failed",
    error: summaries.length > 0 ? `${step}: ${summaries.join("; ")}` : `${step} failed (exit ${code})`,
  };
}
