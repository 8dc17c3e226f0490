/**
 * One stack, one command: init (skipped when nothing it depends on changed),
 * plan to a file, decide from the plan, and for apply, apply exactly that
 * saved plan — only when it deletes or replaces no data-bearing resource.
 *
 * OpenTofu streams the plan's machine-readable messages into a file while it
 * plans (`-json-into`), and the decisions are read from that stream
 * (fleet/plan-stream.ts): the providers start once per stack. Terraform, or a
 * stream that cannot be trusted, falls back to `show -json` of the plan file.
 *
 * With `plan --out DIR` the stack's state identity (lineage, serial) is read
 * before the plan and the plan is saved with its record (fleet/saved-plans.ts);
 * with `apply --plans DIR` the saved plan is checked against the stack as it is
 * now (configuration, state, engine), read with `show -json`, and applied.
 *
 * The engine runs in the synthesized stack folder with the stack's own
 * TF_DATA_DIR (outside the synthesized output, so a new synthesis keeps it),
 * never asks for input, waits up to --lock-timeout for a state lock, and
 * prints no colour. The plan file holds the state, passwords included: it
 * lives in the stack's private data folder and is deleted when the stack is
 * done. Its JSON is parsed in memory and never written anywhere.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
import { planFromStream } from "./plan-stream.ts";
import { stackReportOf, type FleetCommand, type StackReport, type StackStatus } from "./report.ts";
import {
  movedSince,
  readPlanFile,
  savePlan,
  sha256,
  stateIdentity,
  type SavedPlan,
  type StateIdentity,
} from "./saved-plans.ts";
import type { FleetStack } from "./selection.ts";
import {
  LOCK_FILE,
  configDigest,
  forgetInit,
  initKey,
  lockAdditions,
  rememberInit,
  reuseInit,
} from "./stack-folder.ts";

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
  /** plan --out: the folder (relative to cwd) the plans are saved in, and the key that signs their records. */
  readonly saveTo?: { readonly dir: string; readonly key: Buffer };
  /** apply --plans: the saved plan of each selected stack. */
  readonly savedPlans?: ReadonlyMap<string, SavedPlan>;
}

type Timings = { -readonly [K in keyof StackReport["timings"]]: StackReport["timings"][K] };

interface Outcome {
  readonly status: StackStatus;
  readonly counts?: ChangeCounts;
  readonly drifted?: readonly string[];
  readonly refused?: readonly string[];
  readonly error?: string;
}

/** One stack's engine calls: where they run, and the private files of its data folder. */
interface StackCall extends EngineCall {
  readonly dataDir: string;
  readonly planFile: string;
  readonly stream: string;
  readonly lock: string;
  readonly timings: Timings;
}

export async function runStack(stack: FleetStack, wave: string | null, context: StackRunContext): Promise<StackReport> {
  const started = Date.now();
  const dataDir = join(context.dataDir, stack.name);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const logPath = join(context.logDir, `${stack.name}.log`);
  let log: StackLog;
  try {
    log = openStackLog(logPath, relative(context.cwd, logPath));
  } catch (error) {
    return stackReportOf(stack, wave, "failed", { error: `cannot write its log: ${(error as Error).message}` });
  }
  const call: StackCall = {
    engine: context.engine,
    cwd: join(context.outdir, "stacks", stack.name),
    env: { ...context.env, TF_DATA_DIR: dataDir, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" },
    log,
    dataDir,
    planFile: join(dataDir, "fleet.tfplan"),
    stream: join(dataDir, "fleet.plan.jsonl"),
    lock: `-lock-timeout=${context.lockTimeout}`,
    timings: {},
  };
  let outcome: Outcome;
  try {
    log.note(
      `# sei-infra fleet ${context.command} ${stack.name} (${stack.tier}, cluster ${stack.cluster}${wave ? `, wave ${wave}` : ""})`,
    );
    const saved = context.savedPlans?.get(stack.name);
    outcome = saved ? await applySaved(call, context, saved) : await planAndApply(call, context, stack);
  } catch (error) {
    outcome = { status: "failed", error: error instanceof Error ? error.message : String(error) };
    log.note(`# ${outcome.error}`);
  } finally {
    rmSync(call.planFile, { force: true });
    rmSync(call.stream, { force: true });
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
    timings: call.timings,
  });
}

async function planAndApply(call: StackCall, context: StackRunContext, stack: FleetStack): Promise<Outcome> {
  // Read before init puts a lock file into the folder: the digest is of what synthesis wrote.
  const digest = context.saveTo ? configDigest(call.cwd) : undefined;
  const key = initKey(call.cwd, call.engine, call.env);
  const skipped = reuseInit(call.cwd, call.dataDir, key);
  if (skipped) call.log.note("# init skipped: backend, providers and engine as at this stack's last init");
  else {
    const init = await initialize(call, key);
    if (init) return init;
  }
  let state: StateIdentity | null = null;
  if (context.saveTo) {
    const pulled = await pullState(call);
    if ("status" in pulled) return pulled;
    state = pulled.state;
  }

  // A normal plan for drift too: it refreshes like a refresh-only plan, and its resource_changes tell
  // real drift (what the plan would set back) from the engine's noise (fleet/classify.ts).
  let plan = await runPlan(call);
  // A data folder kept from an older init that the engine does not accept any more: init, and plan once more.
  // ("… run: tofu init", "please run \"tofu init\"": the engine's words, never the echo of an earlier init.)
  if (plan.code !== 0 && skipped && /\brun:?\s+"?(?:tofu|terraform) init\b/.test(call.log.tail())) {
    call.log.note("# the engine asks for init: init, then plan again");
    const init = await initialize(call, key);
    if (init) return init;
    plan = await runPlan(call);
  }
  if (plan.code !== 0) {
    const refused = engineRefusals(call.log.tail());
    if (refused.length > 0)
      return { status: "refused", refused, error: refusal(refused, "prevent_destroy stopped the plan") };
    return failed(call.log, "plan", plan.code);
  }

  const json = await readPlan(call, true);
  if ("status" in json) return json;
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

  const refused = refusedDeletes(call.log, json, counts, drifted);
  if (refused) return refused;
  const applies = hasChanges(json) || context.rewriteStates;
  if (context.command === "plan") {
    if (context.saveTo) {
      const plan = applies ? readFileSync(call.planFile) : null;
      savePlan(
        context.cwd,
        context.saveTo.dir,
        plan,
        {
          schemaVersion: 1,
          stack: stack.name,
          engine: { name: call.engine.name, version: call.engine.version },
          plannedAt: new Date().toISOString(),
          configDigest: digest!,
          state,
          planDigest: plan ? sha256(plan) : null,
          summary: { ...counts, drifted },
        },
        context.saveTo.key,
      );
      call.log.note(`# saved the ${plan ? "plan" : "record of a plan without changes"} in ${context.saveTo.dir}`);
    }
    return hasChanges(json) ? { status: "changes", counts, drifted } : { status: "no-changes", counts };
  }
  if (!applies) return { status: "no-changes", counts };
  return applyPlan(call, counts, drifted);
}

/**
 * apply --plans: the saved plan, only while the stack is what it was planned
 * against (engine, configuration, state); read with show -json (the decisions
 * come from the plan itself, not from its record) and applied.
 */
async function applySaved(call: StackCall, context: StackRunContext, saved: SavedPlan): Promise<Outcome> {
  const digest = configDigest(call.cwd);
  const key = initKey(call.cwd, call.engine, call.env);
  if (reuseInit(call.cwd, call.dataDir, key)) call.log.note("# init skipped: as at this stack's last init");
  else {
    const init = await initialize(call, key);
    if (init) return init;
  }
  const pulled = await pullState(call);
  if ("status" in pulled) return pulled;
  const why = movedSince(saved.record, { engine: call.engine, configDigest: digest, state: pulled.state });
  if (why) {
    call.log.note(`# refused: ${why}; nothing was applied`);
    return { status: "refused", error: `saved plan refused: ${why}` };
  }
  writeFileSync(call.planFile, readPlanFile(saved), { mode: 0o600 });
  const json = await readPlan(call, false);
  if ("status" in json) return json;
  const counts = countChanges(json);
  const drifted = driftedAddresses(json);
  const refused = refusedDeletes(call.log, json, counts, drifted);
  if (refused) return refused;
  if (!hasChanges(json) && !context.rewriteStates) return { status: "no-changes", counts };
  return applyPlan(call, counts, drifted);
}

async function initialize(call: StackCall, key: string): Promise<Outcome | undefined> {
  forgetInit(call.dataDir);
  const lockFile = join(call.cwd, LOCK_FILE);
  const copied = existsSync(lockFile) ? readFileSync(lockFile, "utf8") : undefined;
  const init = await runEngine(call, ["init", "-input=false", "-no-color", call.lock]);
  call.timings.initMs = (call.timings.initMs ?? 0) + init.ms;
  if (init.code !== 0) return failed(call.log, "init", init.code);
  // Init rewrites the copied lock file; it may drop entries, never add one (fleet/stack-folder.ts).
  const added = copied === undefined ? [] : lockAdditions(copied, readFileSync(lockFile, "utf8"));
  if (added.length > 0) {
    const why = `init added to the provider lock file what providers.lock.hcl does not hold: ${added.join("; ")}`;
    call.log.note(`# ${why}`);
    return { status: "failed", error: `init: ${why}: regenerate it (scripts/providers-lock.ts)` };
  }
  rememberInit(call.cwd, call.dataDir, key);
  return undefined;
}

function runPlan(call: StackCall) {
  const args = ["plan", "-input=false", "-no-color", call.lock, `-out=${call.planFile}`];
  // OpenTofu writes the machine-readable messages beside its usual output, which stays in the log.
  if (call.engine.name === "opentofu") args.push(`-json-into=${call.stream}`);
  return runEngine(call, args).then((result) => {
    call.timings.planMs = (call.timings.planMs ?? 0) + result.ms;
    return result;
  });
}

/** The plan's JSON: from the plan's own stream when there is one it can trust, else `show -json` of the plan file. */
async function readPlan(call: StackCall, streamed: boolean): Promise<PlanJson | Outcome> {
  if (streamed && call.engine.name === "opentofu") {
    const plan = planFromStream(readFileSync(call.stream, "utf8"));
    if (plan) return plan;
    call.log.note("# the plan's JSON stream is not one this version reads in full: reading the plan with show -json");
  }
  const show = await runEngine(call, ["show", "-json", "-no-color", call.planFile], { captureStdout: true });
  call.timings.showMs = show.ms;
  if (show.code !== 0) return failed(call.log, "show -json", show.code);
  return parsePlanJson(show.stdout ?? "");
}

/** The state's lineage and serial (`state pull`; the state itself is parsed in memory and dropped). */
async function pullState(call: StackCall): Promise<{ state: StateIdentity | null } | Outcome> {
  const pull = await runEngine(call, ["state", "pull"], { captureStdout: true });
  call.timings.stateMs = pull.ms;
  if (pull.code !== 0) return failed(call.log, "state pull", pull.code);
  return { state: stateIdentity(pull.stdout ?? "") };
}

function refusedDeletes(
  log: StackLog,
  json: PlanJson,
  counts: ChangeCounts,
  drifted: readonly string[],
): Outcome | undefined {
  const refused = dataBearingDeletes(json);
  if (refused.length === 0) return undefined;
  log.note(`# refused: the plan deletes or replaces ${refused.join(", ")}; nothing was applied`);
  return {
    status: "refused",
    counts,
    drifted,
    refused,
    error: refusal(refused, "the plan deletes or replaces data-bearing resources"),
  };
}

async function applyPlan(call: StackCall, counts: ChangeCounts, drifted: readonly string[]): Promise<Outcome> {
  const apply = await runEngine(call, ["apply", "-input=false", "-no-color", call.lock, call.planFile]);
  call.timings.applyMs = apply.ms;
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
