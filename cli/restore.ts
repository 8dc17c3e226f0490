/**
 * `sei-infra restore NAME --set YYYY-MM-DD`: one backup set of a production
 * instance back into its database and document repository (docs/restore.md).
 *
 * Safe to get wrong: everything that can be checked without stopping anything
 * is checked first, read-only (the municipality and its phase, the set exists
 * and is complete, the target is empty: restore/volume-source.ts), then a
 * summary, and a prompt on a terminal (without one, --yes). Only then are the
 * writers (app and scheduler) stopped, the restore Job run with its log shown
 * as it goes, and the writers started again at the plan's counts: always, on
 * success, failure, or SIGINT/SIGTERM (which also stop the Job). Kubernetes is
 * reached with the kubeconfig and context of the municipality's cluster entry
 * in platform.yaml. Exit codes: shell/exit.ts, EXIT_MEANINGS.restore.
 */
import type { InstancePlan } from "../core/plan.ts";
import { describeBytes } from "../core/quantity.ts";
import { printable } from "../core/printable.ts";
import { isRealDate } from "../core/schema/fields.ts";
import { targetProblems, type BackupSet } from "../restore/backup-source.ts";
import { restoreJob, RESTORE_JOB_NAME } from "../restore/job.ts";
import { kubectlFor, KubectlError, stopKubectl, type Kubectl } from "../restore/kubectl.ts";
import { runJob } from "../restore/run-job.ts";
import { volumeSource } from "../restore/volume-source.ts";
import { startWriters, startWritersByHand, stopWriters, WRITERS, writerCounts } from "../restore/writers.ts";
import { restorablePlan } from "../restore/instance.ts";
import { DURATION_HINT, parseDuration } from "../shell/duration.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import type { CommandSpec } from "./command.ts";
import type { Io } from "../shell/io.ts";
import { MUNICIPALITIES_OPTION_HELP } from "../shell/paths.ts";

export interface RestoreArgs {
  readonly name: string;
  readonly set?: string;
  readonly list: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** As typed, relative to where the command runs. @default the repository's municipalities/ */
  readonly municipalities?: string;
  readonly timeout: string;
}

export const restore: CommandSpec<RestoreArgs> = {
  name: "restore",
  description:
    "restore one backup set into a production instance whose databases and document repository are empty (docs/restore.md)",
  define: (command) =>
    command
      .argument("<name>", "the municipality (its file name without .yaml)")
      .option("--set <date>", "the backup set, YYYY-MM-DD (the day it was written; --list shows them)")
      .option("--list", "list the backup sets with their sizes and dates, and change nothing", false)
      .option("--dry-run", "run every check and show what would happen, and stop nothing", false)
      .option("--yes", "restore without a prompt (required when there is no terminal)", false)
      .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP)
      .option("--timeout <duration>", `how long the restore Job may run (${DURATION_HINT})`, "6h"),
  run: runRestore,
};

/** Not a failure of the restore: a person or the system asked it to stop. */
class Interrupted extends Error {}

export async function runRestore(args: RestoreArgs, io: Io): Promise<number> {
  try {
    const timeoutMs = parseDuration(args.timeout);
    if (timeoutMs === undefined) throw new UsageError(`--timeout ${args.timeout}: ${DURATION_HINT}`);
    if (args.list && args.set) throw new UsageError("--list shows every set: give it without --set");
    if (!args.list) requireSetName(args.set);
    const plan = planOf(args, io);
    if (!plan) return EXIT.failed;
    if (!args.list && !args.dryRun && !args.yes && !io.ask)
      throw new UsageError(
        "there is no terminal to confirm on: give --yes to restore without a prompt (or --dry-run to see what would happen)",
      );
    const kubectl = kubectlFor(plan.cluster, io.env);
    const say = (text: string) => io.stdout(`restore ${plan.municipality.name}: ${text}\n`);
    // A Job's log may quote a dump's text (a forged one too): printed as printable text only.
    const source = volumeSource(plan, kubectl, { timeoutMs, onLine: (line) => io.stdout(`  ${printable(line)}\n`) });

    if (args.list) {
      say(`reading the sets on ${source.where} (read-only)`);
      io.stdout(setTable(await source.list()));
      return EXIT.ok;
    }
    const set = args.set!;
    say(`checking set ${set} and the target, read-only: nothing is stopped`);
    const { set: found, all } = await source.check(set);
    const problems = found
      ? [
          ...(found.problem ? [`set ${set} cannot be restored: ${found.problem}`] : []),
          ...targetProblems(await source.target(set), [plan.database.seiDatabase, plan.database.sipDatabase]),
        ]
      : [`there is no set ${set} on ${source.where}; the sets there are: ${setNames(all)}`];
    if (problems.length > 0) {
      for (const problem of problems) io.stderr(`sei-infra restore: ${problem}\n`);
      io.stderr(`sei-infra restore: refused; nothing was stopped or changed\n`);
      return EXIT.failed;
    }
    io.stdout(summary(plan, found!));
    if (args.dryRun) {
      say("dry run: every check passed; nothing was stopped or changed");
      return EXIT.ok;
    }
    if (!args.yes) {
      const answer = await io.ask!(`Type ${plan.municipality.name} to stop its app and restore set ${set}: `);
      if (answer.trim() !== plan.municipality.name) {
        io.stderr("sei-infra restore: not confirmed; nothing was stopped or changed\n");
        return EXIT.failed;
      }
    }
    return await restoreWithWritersStopped(plan, set, timeoutMs, kubectl, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`sei-infra restore: ${printable(error.message)}\n`);
      return EXIT.usage;
    }
    if (error instanceof KubectlError) {
      io.stderr(`sei-infra restore: ${printable(error.message)}\nsei-infra restore: nothing was stopped or changed\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

/** A set is named by the day it was written: a real calendar date. */
function requireSetName(set: string | undefined): void {
  if (set === undefined) throw new UsageError("--set YYYY-MM-DD names the set to restore (--list shows them)");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(set))
    throw new UsageError(`--set ${set}: a backup set is named by its date, YYYY-MM-DD`);
  if (!isRealDate(set))
    throw new UsageError(
      `--set ${set}: not a real calendar date (${dateFault(set)}); a backup set is named by the day it was written, YYYY-MM-DD`,
    );
}

function dateFault(set: string): string {
  const [, month = 0] = set.split("-").map(Number);
  return month < 1 || month > 12 ? `there is no month ${month}` : "that month has no such day";
}

function planOf(args: RestoreArgs, io: Io): InstancePlan | undefined {
  return restorablePlan({ cwd: io.cwd, municipalities: args.municipalities }, args.name, io.stderr);
}

function setNames(sets: readonly BackupSet[]): string {
  return sets.length === 0 ? "none" : sets.map((s) => s.name + (s.problem ? ` (${s.problem})` : "")).join(", ");
}

function setTable(sets: readonly BackupSet[]): string {
  if (sets.length === 0) return "no backup sets\n";
  const rows = sets.map((s) => [
    s.name,
    describeBytes(s.bytes),
    s.writtenAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
    s.problem ? `unusable: ${s.problem}` : "complete",
  ]);
  const all = [["Set", "Size", "Written", "State"], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return (
    all
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

function summary(plan: InstancePlan, set: BackupSet): string {
  const counts = writerCounts(plan);
  return [
    `Restore of ${plan.municipality.displayName} (${plan.municipality.name}, phase ${plan.municipality.phase})`,
    `  cluster    ${plan.cluster.name} (context ${plan.cluster.context}), namespace ${plan.namespace.name}`,
    `  set        ${set.name}, ${describeBytes(set.bytes)}, written ${set.writtenAt.toISOString()}`,
    `  target     ${plan.database.seiDatabase} and ${plan.database.sipDatabase} hold no table; the document repository is empty`,
    `  downtime   the app (${counts.app} replicas) and the scheduler stop until the Job ends, then start again`,
    "",
  ].join("\n");
}

async function restoreWithWritersStopped(
  plan: InstancePlan,
  set: string,
  timeoutMs: number,
  kubectl: Kubectl,
  io: Io,
): Promise<number> {
  const namespace = plan.namespace.name;
  const say = (text: string) => io.stdout(`restore ${plan.municipality.name}: ${text}\n`);
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    if (signal) return void io.stderr(`sei-infra restore: ${received}: still starting the app again; wait\n`);
    signal = received;
    io.stderr(`\nsei-infra restore: ${received}: stopping the restore and starting the app and scheduler again\n`);
    stopKubectl();
  };
  // Once the signal came, the restore issues no further call: only the clean-up below runs.
  const step: Kubectl = (args, input) => (signal ? Promise.reject(new Interrupted()) : kubectl(args, input));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let code: number = EXIT.failed;
  try {
    say("stopping the app and the scheduler (nothing may write while the set is restored)");
    await stopWriters(step, namespace);
    say(`waiting for the database (${plan.database.statefulSetName})`);
    const ns = ["--namespace", namespace];
    await step([...ns, "rollout", "status", "statefulset", plan.database.statefulSetName, "--timeout=600s"]);
    say(`running the restore Job of set ${set}; its log follows`);
    const started = Date.now();
    let lastOutput = started;
    const { outcome } = await runJob(step, namespace, restoreJob(plan, set), {
      timeoutMs,
      onLine: (line) => {
        lastOutput = Date.now();
        io.stdout(`  ${printable(line)}   (${Math.round((lastOutput - started) / 1000)} s)\n`);
      },
      // Loading a large dump or copying a large repository is one step of hours: say it is still going.
      onPoll: (elapsed) => {
        if (Date.now() - lastOutput < 60_000) return;
        lastOutput = Date.now();
        say(`the restore Job is still running (${Math.round(elapsed / 60_000)} min)`);
      },
    });
    if (outcome !== "Complete") {
      io.stderr(
        `sei-infra restore: the restore of set ${set} ${outcome === "Failed" ? "failed" : `did not finish within ${timeoutMs / 1000} s`}; its log is above (kubectl logs job/${RESTORE_JOB_NAME} -n ${namespace})\n`,
      );
    } else code = EXIT.ok;
  } catch (error) {
    if (!(error instanceof KubectlError || error instanceof Interrupted)) throw error;
    if (!signal) io.stderr(`sei-infra restore: ${printable(error.message)}\n`);
  } finally {
    if (signal) {
      code = EXIT.interrupted;
      // The Job's own clean-up drops what it staged; the target is as it was unless its final move had run.
      await kubectl([
        "--namespace",
        namespace,
        "delete",
        "job",
        RESTORE_JOB_NAME,
        "--ignore-not-found",
        "--wait=true",
      ]).catch((error: Error) => io.stderr(`sei-infra restore: could not stop the restore Job: ${error.message}\n`));
    }
    say("starting the app and the scheduler again");
    try {
      await startWriters(kubectl, plan);
    } catch (error) {
      io.stderr(
        `sei-infra restore: could not start the app and the scheduler again: ${printable((error as Error).message)}\n` +
          `sei-infra restore: start them by hand: ${startWritersByHand(plan)}\n`,
      );
      code = code === EXIT.interrupted ? code : EXIT.failed;
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (code !== EXIT.ok) return code;
  try {
    await kubectl([
      "--namespace",
      namespace,
      "wait",
      "--for=condition=Available",
      "deployment",
      "--selector",
      WRITERS,
      "--timeout=600s",
    ]);
  } catch (error) {
    io.stderr(
      `sei-infra restore: set ${set} is restored, but the app did not become ready: ${printable((error as Error).message)} (kubectl -n ${namespace} get pods)\n`,
    );
    return EXIT.failed;
  }
  say(`set ${set} restored; the app is ready`);
  return EXIT.ok;
}
