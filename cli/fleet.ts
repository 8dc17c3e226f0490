/**
 * `sei-infra fleet …`: the command-line face of fleet/ (plan, apply, drift,
 * emit, report merge|gate). Only option declarations live here; fleet/ does
 * the work, with the command's Io. plan, apply, drift and emit run from any
 * folder of the repository, with paths relative to where they are typed.
 */
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULTS, fleetRun, type ApplyOptions, type RunOptions } from "../fleet/engine-commands.ts";
import { CI_ENGINES, fleetEmit, type CiEngine } from "../fleet/emit/write-pipeline.ts";
import type { FleetCommand } from "../fleet/report.ts";
import { fleetGate, fleetMerge } from "../fleet/report-commands.ts";
import { fleetDrill } from "../fleet/drill/run-drills.ts";
import { BACKUPS_FORMATS, fleetBackups } from "../fleet/watch-backups.ts";
import { listOption } from "../shell/names.ts";
import { MUNICIPALITIES_OPTION_HELP } from "../shell/paths.ts";
import { choiceOption } from "./choice-option.ts";
import type { CommandSpec } from "./command.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const integer = (value: string) => (/^\d+$/.test(value) ? Number(value) : NaN);
/** --concurrency, the one check of it: commander refuses anything else before a command runs, quoting what was typed. */
const stacksAtOnce = (typed: string) => {
  if (/^[1-9]\d*$/.test(typed)) return Number(typed);
  throw new InvalidArgumentError("Give a whole number from 1");
};

interface SelectArgs {
  readonly only?: string[];
  readonly tier?: string[];
  readonly phase?: string[];
  readonly cluster?: string[];
  readonly municipalities?: string;
  readonly changedSince?: string;
}

function defineSelect(command: Command): Command {
  return command
    .option("--only <names>", "stacks or municipalities, comma-separated (repeatable)", collect)
    .option("--tier <tiers>", "only these tiers (repeatable)", collect)
    .option("--phase <phases>", "only these phases (repeatable)", collect)
    .option("--cluster <clusters>", "only these clusters of platform.yaml (repeatable)", collect)
    .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP)
    .option(
      "--changed-since <rev>",
      "only stacks whose resolved plan differs from the one at this git revision; every stack when code, the chart or dependencies changed",
    );
}

function selection(args: SelectArgs) {
  const [only, tiers, phases, clusters] = [args.only, args.tier, args.phase, args.cluster].map(listOption);
  return {
    ...(args.municipalities !== undefined ? { municipalities: args.municipalities } : {}),
    ...(only ? { only } : {}),
    ...(tiers ? { tiers } : {}),
    ...(phases ? { phases } : {}),
    ...(clusters ? { clusters } : {}),
    ...(args.changedSince !== undefined ? { changedSince: args.changedSince } : {}),
  };
}

interface RunArgs extends SelectArgs {
  readonly concurrency: number;
  readonly report?: string;
  readonly summary?: string;
  readonly junit?: string;
  readonly logs?: string;
  readonly workDir?: string;
  readonly lockTimeout: string;
}

function defineRun(command: Command): Command {
  return defineSelect(command)
    .option("--concurrency <n>", "stacks at once", stacksAtOnce, DEFAULTS.concurrency)
    .option("--report <file.json>", "write the JSON report")
    .option("--summary <file.md>", "write a markdown summary (for a pull request)")
    .option("--junit <file.xml>", "write JUnit XML (for CI test views)")
    .option("--logs <dir>", "folder of the per-stack logs (default: under the work folder)")
    .option(
      "--work-dir <dir>",
      `per-stack engine data, synthesized output and logs (default: the repository's ${DEFAULTS.workDir}/)`,
    )
    .option("--lock-timeout <duration>", "how long to wait for a state lock", DEFAULTS.lockTimeout);
}

function runOptions(args: RunArgs): RunOptions {
  const { concurrency, report, summary, junit, logs, workDir, lockTimeout } = args;
  return {
    ...selection(args),
    concurrency,
    ...(workDir !== undefined ? { workDir } : {}),
    lockTimeout,
    ...(report ? { report } : {}),
    ...(summary ? { summary } : {}),
    ...(junit ? { junit } : {}),
    ...(logs ? { logs } : {}),
  };
}

function defineWaves(command: Command): Command {
  return command
    .option("--waves <waves>", "canary, cumulative percentages, rest", DEFAULTS.waves)
    .option(
      "--canary <names>",
      "stacks or municipalities of the canary wave, comma-separated (repeatable; default: one per tier and cluster)",
      collect,
    )
    .option(
      "--max-failures <n|p%>",
      "failed or refused stacks tolerated before later waves are held",
      DEFAULTS.maxFailures,
    );
}

function runCommand(name: Exclude<FleetCommand, "apply">, description: string): CommandSpec<RunArgs> {
  return { name, description, define: defineRun, run: (args, io) => fleetRun(name, runOptions(args), io) };
}

const plan: CommandSpec<RunArgs & { readonly out?: string }> = {
  name: "plan",
  description: "Plan every selected stack (no change is made); --out saves the plans for apply --plans",
  define: (command) =>
    defineRun(command).option(
      "--out <dir>",
      "save each plan with changes (encrypted) and its record in this new folder, for fleet apply --plans",
    ),
  run: (args, io) =>
    fleetRun("plan", { ...runOptions(args), ...(args.out !== undefined ? { out: args.out } : {}) }, io),
};

interface ApplyArgs extends RunArgs {
  readonly waves: string;
  readonly canary?: string[];
  readonly maxFailures: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly plans?: string;
}

const apply: CommandSpec<ApplyArgs> = {
  name: "apply",
  description: "Plan and apply the selected stacks in waves, applying exactly each reviewed plan",
  define: (command) =>
    defineWaves(defineRun(command))
      .option("--dry-run", "print the waves and run nothing", false)
      .option("--yes", "apply more than one stack without asking (needed without a terminal)", false)
      .option(
        "--plans <dir>",
        "apply exactly the plans fleet plan --out saved there; a stack whose state or configuration moved since is refused",
      ),
  run: (args, io) => {
    const options: ApplyOptions = {
      ...runOptions(args),
      waves: args.waves,
      ...(args.canary ? { canary: listOption(args.canary) ?? [] } : {}),
      maxFailures: args.maxFailures,
      dryRun: args.dryRun,
      yes: args.yes,
      ...(args.plans !== undefined ? { plans: args.plans } : {}),
    };
    return fleetRun("apply", options, io);
  },
};

interface EmitArgs extends SelectArgs {
  readonly engine: CiEngine;
  readonly output: string;
  readonly waves: string;
  readonly canary?: string[];
  readonly maxFailures: string;
  readonly concurrency: number;
  readonly setup?: string[];
  readonly image?: string;
  readonly runsOn: string;
  readonly namespace?: string;
  readonly serviceAccount?: string;
  readonly envSecret?: string;
  readonly reportsClaim?: string;
  readonly driftSchedule?: string;
  readonly pruneSchedule?: string;
  readonly drillSchedule?: string;
  readonly check: boolean;
  readonly prune: boolean;
}

const emit: CommandSpec<EmitArgs> = {
  name: "emit",
  description: "Write the rollout as a GitLab child pipeline, a GitHub Actions workflow or Kubernetes Jobs",
  define: (command) =>
    defineWaves(defineSelect(command))
      .addOption(choiceOption("--engine <engine>", "the CI engine", CI_ENGINES).makeOptionMandatory())
      .requiredOption("--output <dir>", "folder to write the pipeline and fleet-plan.json into")
      .option(
        "--concurrency <n>",
        "stack jobs at once (GitHub max-parallel, Job parallelism)",
        stacksAtOnce,
        DEFAULTS.concurrency,
      )
      .option("--setup <command>", "shell command every job runs first (repeatable; default: npm ci)", collect)
      .option("--image <image>", "container image of the jobs (required for k8s-job)")
      .option("--runs-on <label>", "GitHub runner label", "ubuntu-latest")
      .option("--namespace <ns>", "k8s-job: namespace of the Jobs")
      .option("--service-account <name>", "k8s-job: service account of the pods")
      .option("--env-secret <name>", "k8s-job: Secret whose keys become the pods' environment")
      .option("--reports-claim <name>", "k8s-job: ReadWriteMany claim for reports and logs")
      .option("--drift-schedule <cron>", "when the scheduled fleet drift runs (cron, UTC; default 17 3 * * *)")
      .option(
        "--prune-schedule <cron>",
        "when the scheduled prune of the off-site backups runs, where a cluster has a backup store (cron, UTC; default 47 5 * * *)",
      )
      .option("--drill-schedule <cron>", "when the scheduled fleet drill runs (cron, UTC; default 43 5 * * *)")
      .option("--check", "write nothing; exit 1 when the pipeline in --output is stale (for CI)", false)
      .option(
        "--prune",
        "after writing, delete the files in --output that emit wrote before and no longer writes",
        false,
      ),
  run: (args, io) =>
    fleetEmit({ ...args, ...selection(args), ...(args.canary ? { canary: listOption(args.canary) ?? [] } : {}) }, io),
};

interface MergeArgs {
  readonly files: string[];
  readonly plan?: string;
  readonly logs?: string;
  readonly report?: string;
  readonly summary?: string;
  readonly junit?: string;
}

const merge: CommandSpec<MergeArgs> = {
  name: "merge",
  description: "Merge per-stack reports (files or folders of them) into one, with its summary and JUnit",
  define: (command) =>
    command
      .argument("<files...>", "reports, or folders of them")
      .option("--plan <file>", "the fleet-plan.json the pipeline was emitted with")
      .option("--report <file.json>", "write the merged JSON report")
      .option("--summary <file.md>", "write a markdown summary")
      .option("--junit <file.xml>", "write JUnit XML")
      .option(
        "--logs <dir>",
        `the only folder whose stack logs the JUnit quotes (default: the work folder, ${DEFAULTS.workDir})`,
      ),
  run: (args, io) => fleetMerge(args, io),
};

interface GateArgs {
  readonly files: string[];
  readonly plan?: string;
  readonly maxFailures: string;
  readonly wave?: number;
}

const gate: CommandSpec<GateArgs> = {
  name: "gate",
  description:
    "Exit 1 when the reports so far hold more failed or refused stacks than --max-failures (holds the next wave)",
  define: (command) =>
    command
      .argument("<files...>", "reports so far, or folders of them")
      .option("--plan <file>", "the fleet-plan.json the pipeline was emitted with")
      .requiredOption("--max-failures <n|p%>", "failed or refused stacks tolerated")
      .option(
        "--wave <n>",
        "the wave about to start (with --plan: a stack of an earlier wave without a report counts as failed)",
        integer,
      ),
  run: (args, io) => fleetGate(args, io),
};

interface DrillArgs extends SelectArgs {
  readonly report?: string;
  readonly summary?: string;
  readonly junit?: string;
}

const drill: CommandSpec<DrillArgs> = {
  name: "drill",
  description:
    "Restore each selected instance's newest off-site backup into a scratch namespace and check it against what the backup recorded (docs/drills.md)",
  define: (command) =>
    defineSelect(command)
      .option(
        "--report <file.json>",
        "write the JSON report (an existing one gives each municipality's last good drill)",
      )
      .option("--summary <file.md>", "write a markdown summary")
      .option("--junit <file.xml>", "write JUnit XML (for CI test views)"),
  run: (args, io) =>
    fleetDrill(
      {
        ...selection(args),
        ...(args.report ? { report: args.report } : {}),
        ...(args.summary ? { summary: args.summary } : {}),
        ...(args.junit ? { junit: args.junit } : {}),
      },
      io,
    ),
};

const backups: CommandSpec<SelectArgs & { readonly format: (typeof BACKUPS_FORMATS)[number] }> = {
  name: "backups",
  description:
    "List the instances whose newest off-site backup or binlog shipping is older than its RPO, from the store (docs/drills.md)",
  define: (command) =>
    defineSelect(command).addOption(
      choiceOption("--format <format>", "output format", BACKUPS_FORMATS).default("table"),
    ),
  run: (args, io) => fleetBackups({ ...selection(args), format: args.format }, io),
};

export const fleet: CommandSpec = {
  name: "fleet",
  description: "Plan, apply in waves and check for drift across many stacks; emit CI pipelines that do the same",
  subcommands: [
    plan,
    apply,
    runCommand("drift", "Find stacks changed outside Terraform (and configuration changes not yet applied)"),
    emit,
    drill,
    backups,
    {
      name: "report",
      description: "Merge the reports of a CI rollout, or gate its next wave",
      subcommands: [merge, gate],
    },
  ],
};
