/**
 * `sei-infra fleet emit --engine gitlab|github|k8s-job`: the rollout as a
 * pipeline of an existing CI engine, for when one machine is not enough
 * (docs/architecture.md, "Operating the fleet"). Writes the pipeline and, beside it, the rollout plan
 * (fleet-plan.json) that its gate and report jobs read.
 */
import { resolve } from "node:path";
import { printable } from "../../core/printable.ts";
import { RefusedPath } from "../../core/source.ts";
import { readRegularFile } from "../../sources/working-tree.ts";
import { stateEncryptionOf } from "../../core/resolve/state-backend.ts";
import { passphraseVariables } from "../state-encryption.ts";
import { EXIT, UsageError } from "../../shell/exit.ts";
import { guarded } from "../../shell/guard.ts";
import { NOTHING, noStackSelected } from "../../shell/messages.ts";
import { atRoot, rebased } from "../../shell/paths.ts";
import type { Io } from "../../shell/io.ts";
import { writeOutput } from "../../shell/output-file.ts";
import { loadSelection, type SelectOptions } from "../load.ts";
import { formatRolloutPlan, rolloutPlan } from "../rollout-plan.ts";
import { canaryChoice, droppedWaves, failuresAllowed, parseFailureBudget, parseWaves, planWaves } from "../waves.ts";
import { GITHUB_FILE, GITHUB_SCHEDULE_FILE, emitGithub, emitGithubSchedule } from "./github.ts";
import { GITLAB_FILE, GITLAB_SCHEDULE_FILE, emitGitlab, emitGitlabSchedule } from "./gitlab.ts";
import type { EmitOptions } from "./jobs.ts";
import type { Platform } from "../../core/schema/platform.ts";
import { checkEmitOptions, outputFolder } from "./options.ts";
import { pinnedTofuVersion } from "./tofu-version.ts";
import { K8S_DEFAULTS, emitK8sJobs, type K8sJobOptions } from "./k8s-job.ts";
import { leftovers, pruneLeftovers } from "./leftovers.ts";

export const CI_ENGINES = ["gitlab", "github", "k8s-job"] as const;
export type CiEngine = (typeof CI_ENGINES)[number];

export const PLAN_FILE = "fleet-plan.json";
export const DEFAULT_SETUP = "npm ci --no-audit --no-fund";
/** Nightly at 03:17 UTC (00:17 in Minas Gerais): off the hour, when nobody works in SEI. */
export const DEFAULT_DRIFT_SCHEDULE = "17 3 * * *";
/** Daily at 05:47 UTC (02:47 in Minas Gerais): after the nightly backups, before anyone works in SEI. */
export const DEFAULT_PRUNE_SCHEDULE = "47 5 * * *";
/** After the nightly backups (the tiers schedule them in the small hours), before the working day. */
export const DEFAULT_DRILL_SCHEDULE = "43 5 * * *";

export interface EmitCommandOptions extends SelectOptions, Partial<K8sJobOptions> {
  readonly engine: CiEngine;
  readonly output: string;
  readonly waves: string;
  /** Stacks or municipalities of the canary wave, instead of the automatic choice. */
  readonly canary?: readonly string[];
  readonly maxFailures: string;
  readonly concurrency: number;
  /** Commands every job runs first. @default [DEFAULT_SETUP] */
  readonly setup?: readonly string[];
  readonly image?: string;
  /** GitHub runner label. @default "ubuntu-latest" */
  readonly runsOn?: string;
  /** When the scheduled drift check runs (cron, UTC). @default DEFAULT_DRIFT_SCHEDULE */
  readonly driftSchedule?: string;
  /** When the scheduled prune of the off-site backups runs (cron, UTC), where a cluster has a store. @default DEFAULT_PRUNE_SCHEDULE */
  readonly pruneSchedule?: string;
  /** When the scheduled restore drills run (cron, UTC). @default DEFAULT_DRILL_SCHEDULE */
  readonly drillSchedule?: string;
  /** Write nothing; exit 1 when the files in --output differ from what would be written (CI: the committed pipeline is stale). */
  readonly check?: boolean;
  /** After writing, delete the files in --output that emit owns and no longer writes (fleet/emit/leftovers.ts). */
  readonly prune?: boolean;
}

export function fleetEmit(options: EmitCommandOptions, started: Io): Promise<number> {
  return guarded("fleet", started.stderr, () => {
    const { io, typed } = atRoot(started);
    options = rebased(options, ["municipalities", "output"], typed);
    if (options.engine === "k8s-job" && !options.image)
      throw new UsageError(
        "--engine k8s-job needs --image: the container image with the project, the engine and the providers",
      );
    checkEmitOptions(options);
    if (options.check && options.prune)
      throw new UsageError("--check writes nothing and --prune deletes: give one of them");
    const output = outputFolder(io.cwd, options.output);
    const steps = parseWaves(options.waves);
    const budget = parseFailureBudget(options.maxFailures);
    const loaded = loadSelection(io.cwd, options, io.stderr);
    if (!loaded.ok) return EXIT.failed;
    if (loaded.stacks.length === 0) {
      // Only --changed-since selects nothing: no pipeline is written rather than one without jobs.
      io.stdout(`${noStackSelected("sei-infra fleet emit", NOTHING.written)}\n`);
      return EXIT.ok;
    }

    const backend = loaded.platform.spec.stateBackend;
    if (backend.type === "local")
      throw new UsageError(
        "platform.yaml keeps state in local files (stateBackend: local): a CI job's files die with its runner, and with them every stack's state. Use a shared backend (pg, s3 or kubernetes) to emit a pipeline",
      );
    const waves = planWaves(loaded.stacks, steps, canaryChoice(options.canary, loaded.platform));
    for (const line of droppedWaves(loaded.stacks.length, steps, waves)) io.stderr(`sei-infra fleet: ${line}\n`);
    const encryption = stateEncryptionOf(loaded.platform);
    const outDir = resolve(io.cwd, output);
    const planFile = `${output}/${PLAN_FILE}`;
    const plan = formatRolloutPlan(rolloutPlan(waves, options.maxFailures));
    const emit: EmitOptions = {
      waves,
      concurrency: options.concurrency,
      budget,
      failuresAllowed: failuresAllowed(budget, loaded.stacks.length),
      planFile,
      setup: options.setup && options.setup.length > 0 ? options.setup : [DEFAULT_SETUP],
      driftSchedule: options.driftSchedule ?? DEFAULT_DRIFT_SCHEDULE,
      ...pruneTask(loaded.platform, options.pruneSchedule),
      ...drillTask(loaded.platform, options.drillSchedule),
      ...(options.image ? { image: options.image } : {}),
      ...(backend.type === "pg" ? { pgConnectionEnv: backend.connectionStringEnv } : {}),
      ...(encryption ? { passphraseEnv: passphraseVariables(encryption) } : {}),
      ...(options.engine === "github" ? { tofuVersion: pinnedTofuVersion(io.cwd) } : {}),
    };
    const files = new Map<string, string>([[PLAN_FILE, plan]]);
    if (options.engine === "gitlab") {
      files.set(GITLAB_FILE, emitGitlab(emit));
      files.set(GITLAB_SCHEDULE_FILE, emitGitlabSchedule(emit));
    } else if (options.engine === "github") {
      files.set(GITHUB_FILE, emitGithub(emit, options.runsOn));
      files.set(GITHUB_SCHEDULE_FILE, emitGithubSchedule(emit, options.runsOn));
    } else {
      const k8s: K8sJobOptions = {
        namespace: options.namespace ?? K8S_DEFAULTS.namespace,
        serviceAccount: options.serviceAccount ?? K8S_DEFAULTS.serviceAccount,
        envSecret: options.envSecret ?? K8S_DEFAULTS.envSecret,
        reportsClaim: options.reportsClaim ?? K8S_DEFAULTS.reportsClaim,
      };
      for (const [name, text] of emitK8sJobs(emit, plan, k8s)) files.set(name, text);
    }
    if (options.check) return checkCommitted(files, output, io);
    for (const [name, text] of files) writeOutput(outDir, name, text);
    io.stdout(
      `${options.engine}: ${loaded.stacks.length} stack(s) in ${waves.length} wave(s) → ${[...files.keys()].map((f) => `${output}/${f}`).join(", ")}\n`,
    );
    const left = leftovers(outDir, new Set(files.keys()), PLAN_FILE);
    const removed = new Set(options.prune ? pruneLeftovers(outDir, left) : []);
    for (const { name, owned } of left) {
      const path = `${output}/${printable(name)}`;
      if (removed.has(name)) io.stdout(`removed ${path}: emit no longer writes it\n`);
      else if (owned) io.stderr(`sei-infra fleet emit: ${path} is not written by emit any more: --prune deletes it\n`);
      else io.stderr(`sei-infra fleet emit: ${path} is not a file emit writes: left alone\n`);
    }
    return EXIT.ok;
  });
}

/** The scheduled prune where a cluster has a backup store, with the variables of every store's administrator key. */
function pruneTask(platform: Platform, schedule = DEFAULT_PRUNE_SCHEDULE): Pick<EmitOptions, "prune"> {
  const stores = platform.spec.clusters.flatMap((c) => (c.backupStore ? [c.backupStore] : []));
  if (stores.length === 0) return {};
  const adminEnv = [
    ...new Set(stores.flatMap((s) => [s.adminCredentialEnv.accessKeyId, s.adminCredentialEnv.secretAccessKey])),
  ];
  return { prune: { schedule, adminEnv } };
}

/** The scheduled restore drills, where a cluster of platform.yaml has a backup store to drill from. */
function drillTask(platform: Platform, schedule = DEFAULT_DRILL_SCHEDULE): Pick<EmitOptions, "drill"> {
  return platform.spec.clusters.some((c) => c.backupStore) ? { drill: { schedule } } : {};
}

/**
 * `--check`: the committed pipeline against what `emit` writes today. Stale
 * after a municipality is added, removed or moved to another tier, a wave
 * changed, or a new version of sei-infra: exit 1, naming the files. Anything
 * else in the output folder (a wave file of a rollout that has fewer waves
 * now) is named too: emit deletes only with --prune.
 */
function checkCommitted(files: ReadonlyMap<string, string>, output: string, io: Io): number {
  const stale = [...files].flatMap(([name, text]) => {
    let committed: Buffer | undefined;
    try {
      committed = readRegularFile(resolve(io.cwd, output, name), Buffer.byteLength(text));
    } catch (error) {
      if (!(error instanceof RefusedPath)) throw error;
      // Larger than today's file, a link or not a file: not what emit writes.
      return [`${output}/${name} differs`];
    }
    if (committed === undefined) return [`${output}/${name} is missing`];
    return committed.toString("utf8") === text ? [] : [`${output}/${name} differs`];
  });
  const left = leftovers(resolve(io.cwd, output), new Set(files.keys()), PLAN_FILE).map(
    ({ name }) => `${output}/${printable(name)} is not written by emit any more`,
  );
  if (stale.length === 0 && left.length === 0) {
    io.stdout(`${output}: the pipeline is up to date\n`);
    return EXIT.ok;
  }
  const fix = [
    ...(stale.length > 0 ? ["run the same fleet emit without --check"] : []),
    ...(left.length > 0 ? ["delete what emit no longer writes (--prune deletes the files it owns)"] : []),
  ];
  io.stderr(
    `${[...stale, ...left].map((line) => `sei-infra fleet emit --check: ${line}`).join("\n")}\nthe committed pipeline is stale: ${fix.join(", ")} and commit ${output}/\n`,
  );
  return EXIT.failed;
}
