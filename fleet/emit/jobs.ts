/**
 * What every emitted CI job runs, whatever the engine: the plan of every
 * stack, saved for review (`fleet plan --out`), one stack's apply of its saved
 * plan, the failure-budget gate before a wave, the final merge of the reports,
 * and the scheduled tasks (drift, restore drills). The emitters only
 * place these commands in their engine's structure: plan, then a person's
 * approval, then the waves.
 */
import type { FailureBudget } from "../waves.ts";
import { formatBudget } from "../waves.ts";
import { shellWord } from "./options.ts";
import type { Wave } from "../waves.ts";

export interface EmitOptions {
  readonly waves: readonly Wave[];
  readonly concurrency: number;
  readonly budget: FailureBudget;
  /** Failed or refused stacks tolerated, as a number of stacks. */
  readonly failuresAllowed: number;
  /** The rollout plan written beside the pipeline, as the jobs see it (relative to the repository root). */
  readonly planFile: string;
  /** Shell commands every job runs first (install the project). */
  readonly setup: readonly string[];
  /** Container image of the jobs; required for k8s-job, optional elsewhere. */
  readonly image?: string;
  /** The variable that holds the pg state backend's connection string, when the platform uses pg. */
  readonly pgConnectionEnv?: string;
  /** Environment variables with the state encryption passphrases (TF_VAR_…), when platform.yaml encrypts state. */
  readonly passphraseEnv?: readonly string[];
  /** The OpenTofu version the project pins (scripts/e2e/toolchain.sh), for the engine setup step of CI engines that need one. */
  readonly tofuVersion?: string;
  /** When the scheduled drift check runs (cron, UTC). */
  readonly driftSchedule: string;
  /**
   * The scheduled prune of the off-site backups (`backups prune --all`), only where a cluster of
   * platform.yaml has a backup store: its cron, and the variables of the store administrator's key.
   */
  readonly prune?: { readonly schedule: string; readonly adminEnv: readonly string[] };
  /** The scheduled restore drills (`fleet drill`), only where a cluster of platform.yaml has a backup store. */
  readonly drill?: { readonly schedule: string };
}

/** Where jobs leave their reports and logs (relative to the repository root). */
export const REPORTS_DIR = "fleet-reports";
export const LOGS_DIR = "fleet-logs";
/** Where the plan job saves the plans (`fleet plan --out`) that the stack jobs apply (`--plans`). */
export const PLANS_DIR = "fleet-plans";
/** The plan's summary, which the person who approves reads (written by `fleet plan --out`). */
export const PLAN_SUMMARY = `${PLANS_DIR}/summary.md`;
/** The environment whose approval releases the waves (GitLab protected environment, GitHub environment with required reviewers). */
export const APPROVAL_ENVIRONMENT = "sei-fleet";
export const MERGED = {
  report: "fleet-report.json",
  summary: "fleet-report.md",
  junit: "fleet-report.junit.xml",
} as const;

/** The project's own CLI; --no: never fetch a package of that name from a registry when the checkout lacks it. */
export const SEI_INFRA = "npx --no sei-infra";

/** Every stack of the pipeline, for the one job that plans them all (and the scheduled tasks). */
function onlyStacks(options: EmitOptions): string {
  return `--only ${options.waves.flatMap((w) => w.stacks.map((s) => s.name)).join(",")}`;
}

/** Plans every stack of the pipeline and saves the plans and their summary in `plansDir` (a new folder). */
export function planCommand(options: EmitOptions, plansDir = PLANS_DIR, logsDir = LOGS_DIR): string {
  return `${SEI_INFRA} fleet plan ${onlyStacks(options)} --concurrency ${options.concurrency} --out ${plansDir} --logs ${logsDir}`;
}

/**
 * Applies one stack's saved plan (--yes: a job has no terminal to ask on); the report and log land where the
 * job's artifacts pick them up. A stack whose plan moved since it was approved is refused, never planned again.
 */
export function applyCommand(
  stack: string,
  reportsDir = REPORTS_DIR,
  logsDir = LOGS_DIR,
  plansDir = PLANS_DIR,
): string {
  return `${SEI_INFRA} fleet apply --yes --only ${stack} --plans ${plansDir} --report ${reportsDir}/${stack}.json --logs ${logsDir}`;
}

/**
 * A task the pipeline runs on a schedule rather than on a change: the one
 * shape every emitter renders (GitLab: a job for pipeline schedules, selected
 * by $CI_PIPELINE_SOURCE and SEI_FLEET_TASK; GitHub: `on: schedule`; k8s: a
 * CronJob): the drift check, and where a cluster has a backup store the prune
 * of the off-site backups and the restore drills.
 */
export interface ScheduledTask {
  /** Name of the task: the job, the CronJob (sei-fleet-<id>) and the value of SEI_FLEET_TASK. */
  readonly id: string;
  readonly description: string;
  /** Cron, five fields, UTC. */
  readonly cron: string;
  /** The command, run at the repository root; it writes `outputs`. */
  readonly command: string;
  /** Files the task leaves for people to read (artifacts; under the reports claim for k8s); none for some. */
  readonly outputs: readonly string[];
  /** Environment variables the task needs from the CI engine's secrets, beyond every job's. */
  readonly secrets: readonly string[];
}

/** The scheduled tasks; their files go under `outDir` (the repository root in CI, the reports claim for k8s). */
export function scheduledTasks(options: EmitOptions, outDir = ""): ScheduledTask[] {
  const out = (name: string) => (outDir ? `${outDir}/${name}` : name);
  const drift = ["fleet-drift.json", "fleet-drift.md", "fleet-drift.junit.xml"].map(out);
  const drill = ["fleet-drill.json", "fleet-drill.md", "fleet-drill.junit.xml"].map(out);
  return [
    {
      id: "drift",
      description: "finds stacks changed outside Terraform (exit 3) or with a change not applied yet",
      cron: options.driftSchedule,
      command: `${SEI_INFRA} fleet drift ${onlyStacks(options)} --concurrency ${options.concurrency} --logs ${out(LOGS_DIR)} --report ${drift[0]} --summary ${drift[1]} --junit ${drift[2]}`,
      outputs: [...drift, `${out(LOGS_DIR)}/`],
      secrets: [],
    },
    ...(options.prune
      ? [
          {
            id: "prune",
            description:
              "applies each tier's retention to the off-site backups of every production instance (backups prune --all)",
            cron: options.prune.schedule,
            command: `${SEI_INFRA} backups prune --all`,
            outputs: [],
            secrets: options.prune.adminEnv,
          },
        ]
      : []),
    ...(options.drill
      ? [
          {
            // Its report is also its input: where the file survives (k8s: the reports claim), it carries each
            // municipality's last good drill over from the night before.
            id: "drill",
            description:
              "restores each instance's newest off-site backup into a scratch namespace and checks it (exit 1: a drill failed)",
            cron: options.drill.schedule,
            command: `${SEI_INFRA} fleet drill ${onlyStacks(options)} --report ${drill[0]} --summary ${drill[1]} --junit ${drill[2]}`,
            outputs: drill,
            secrets: [],
          },
        ]
      : []),
  ];
}

/** Before wave `index` (0-based): fails (exit 1) when the waves before it count more failed, refused or unreported stacks than the budget. */
export function gateCommand(options: EmitOptions, index: number, reportsDir = REPORTS_DIR): string {
  return `${SEI_INFRA} fleet report gate ${reportsDir} --plan ${shellWord(options.planFile)} --wave ${index + 1} --max-failures ${formatBudget(options.budget)}`;
}

/** Merges every report; the JUnit quotes the ends of stack logs found under `logsDir`, and nowhere else. */
export function mergeCommand(options: EmitOptions, reportsDir = REPORTS_DIR, logsDir = LOGS_DIR): string {
  return `${SEI_INFRA} fleet report merge ${reportsDir} --plan ${shellWord(options.planFile)} --logs ${logsDir} --report ${MERGED.report} --summary ${MERGED.summary} --junit ${MERGED.junit}`;
}

/** "wave-1", "wave-2", …: the stage names; the wave's own name ("canary", "10%") goes in descriptions. */
export function waveId(index: number): string {
  return `wave-${index + 1}`;
}

export function gateId(index: number): string {
  return `gate-${index + 1}`;
}

export const GENERATED = "Generated by `sei-infra fleet emit`: do not edit; emit again after a change to the fleet.";
