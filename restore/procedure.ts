/**
 * `sei-infra restore NAME --set YYYY-MM-DD | --to TIME | --list`: a backup of a production
 * instance back into its database and document repository (docs/restore.md): a nightly set of its
 * backup volume (--set), or the instance as it was at a time, from its cluster's backup store
 * (--to, docs/offsite-backups.md).
 *
 * Safe to get wrong: everything that can be checked without stopping anything
 * is checked first, read-only (the municipality and its phase: restorable-plan.ts;
 * the set or point exists and is usable, the target is empty: a read-only Job,
 * volume-source.ts or store-source.ts), then a summary, and a prompt on a
 * terminal (without one, --yes). Only then does writers-stopped.ts stop the app
 * and the scheduler, run the restore Job and start them again, whatever
 * happens. Kubernetes is reached with the kubeconfig and context of the
 * municipality's cluster entry in platform.yaml. Exit codes: shell/exit.ts,
 * EXIT_MEANINGS.restore.
 */
import type { InstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { DURATION_HINT, parseDuration } from "../shell/duration.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded, usageLine } from "../shell/guard.ts";
import type { Io } from "../shell/io.ts";
import { noBackupStore, noTerminalGiveYes, NOTHING } from "../shell/messages.ts";
import { targetProblems } from "./backup-source.ts";
import { pointSummary, pointsTable, restoreSummary, setNames, setTable } from "./describe.ts";
import { restorablePlan } from "./restorable-plan.ts";
import { restoreJob, storeRestoreJob } from "./job.ts";
import { kubectlFor, KubectlError } from "./kubectl.ts";
import { choosePointInTime, describeRange, parseRestoreTime, restoreTimeText } from "./restic-points.ts";
import { requireSetName } from "./set-name.ts";
import { storeSource } from "./store-source.ts";
import { volumeSource } from "./volume-source.ts";
import { restoreWithWritersStopped, type RestoreRun } from "./writers-stopped.ts";

/** The command line as typed (cli/restore.ts declares it). */
export interface RestoreOptions {
  readonly name: string;
  readonly set?: string;
  readonly to?: string;
  readonly list: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** As typed, relative to where the command runs. @default the repository's municipalities/ */
  readonly municipalities?: string;
  /** How long the restore Job may run and the command waits for it. @default the plan's backup.restoreDeadlineSeconds */
  readonly timeout?: string;
}

export function runRestore(options: RestoreOptions, io: Io): Promise<number> {
  return guarded("restore", io.stderr, async () => {
    try {
      return await checkedRestore(options, io);
    } catch (error) {
      if (!(error instanceof KubectlError)) throw error;
      io.stderr(usageLine("restore", error.message) + `sei-infra restore: ${NOTHING.stopped}\n`);
      return EXIT.failed;
    }
  });
}

async function checkedRestore(options: RestoreOptions, io: Io): Promise<number> {
  const givenMs = options.timeout === undefined ? undefined : parseDuration(options.timeout);
  if (options.timeout !== undefined && givenMs === undefined)
    throw new UsageError(`--timeout ${options.timeout}: ${DURATION_HINT}`);
  const chosen = [options.list && "--list", options.set !== undefined && "--set", options.to !== undefined && "--to"];
  if (chosen.filter(Boolean).length > 1)
    throw new UsageError(
      `${chosen.filter(Boolean).join(" and ")}: give one: --list shows what there is, --set DATE restores a set of the backup volume, --to TIME a point in time from the backup store`,
    );
  const at = options.to === undefined ? undefined : requireRestoreTime(options.to);
  const set = options.list || at ? undefined : requireSetName(options.set);
  const plan = restorablePlan({ cwd: io.cwd, municipalities: options.municipalities }, options.name, io.stderr);
  if (!plan) return EXIT.failed;
  requireSource(plan, { set, at });
  // The Job's deadline is what the command waits: whole seconds, as activeDeadlineSeconds takes them.
  const deadlineSeconds = givenMs === undefined ? plan.backup!.restoreDeadlineSeconds : Math.ceil(givenMs / 1000);
  const timeoutMs = deadlineSeconds * 1000;
  if (!options.list && !options.dryRun && !options.yes && !io.ask)
    throw new UsageError(`${noTerminalGiveYes("restore")} (or --dry-run to see what would happen)`);
  const kubectl = kubectlFor(plan.cluster, io.env);
  const say = (text: string) => io.stdout(`restore ${plan.municipality.name}: ${text}\n`);
  // A Job's log may quote a dump's text (a forged one too): printed as printable text only.
  const jobOptions = { timeoutMs, onLine: (line: string) => io.stdout(`  ${printable(line)}\n`) };

  if (options.list) {
    if (plan.backupStore) {
      const store = storeSource(plan, kubectl, jobOptions);
      say(`reading the restore points on ${store.where} (read-only)`);
      io.stdout(pointsTable(await store.inspect()));
    }
    if (plan.volumes.backup) {
      const volume = volumeSource(plan, kubectl, jobOptions);
      say(`reading the sets on ${volume.where} (read-only)`);
      io.stdout(setTable(await volume.list()));
    }
    return EXIT.ok;
  }

  let run: RestoreRun;
  let summary: string;
  let problems: string[];
  if (at) {
    const store = storeSource(plan, kubectl, jobOptions);
    say(`checking the restore points on ${store.where} and the target, read-only: nothing is stopped`);
    const inspection = await store.inspect();
    const choice = choosePointInTime(inspection.snapshots, at);
    if ("problem" in choice) {
      problems = [
        `nothing to restore at ${options.to}: ${choice.problem}; the store holds ${describeRange(inspection.snapshots)}`,
      ];
    } else {
      problems = targetProblems(inspection.target, [plan.database.seiDatabase, plan.database.sipDatabase]);
      const setName = restoreTimeText(at).slice(0, 10);
      run = {
        label: `the point ${restoreTimeText(at)}`,
        job: storeRestoreJob(plan, setName, choice.point.env, deadlineSeconds),
      };
      summary = pointSummary(plan, at, choice.point, inspection.sizes);
    }
  } else {
    const volume = volumeSource(plan, kubectl, jobOptions);
    say(`checking set ${set} and the target, read-only: nothing is stopped`);
    const { set: found, all } = await volume.check(set!);
    problems = found
      ? [
          ...(found.problem ? [`set ${set} cannot be restored: ${found.problem}`] : []),
          ...targetProblems(await volume.target(set!), [plan.database.seiDatabase, plan.database.sipDatabase]),
        ]
      : [`there is no set ${set} on ${volume.where}; the sets there are: ${setNames(all)}`];
    if (found) {
      run = { label: `set ${set}`, job: restoreJob(plan, set!, deadlineSeconds) };
      summary = restoreSummary(plan, found);
    }
  }
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(`sei-infra restore: ${problem}\n`);
    io.stderr(`sei-infra restore: refused; ${NOTHING.stopped}\n`);
    return EXIT.failed;
  }
  io.stdout(summary!);
  if (options.dryRun) {
    say(`dry run: every check passed; ${NOTHING.stopped}`);
    return EXIT.ok;
  }
  if (!options.yes) {
    const answer = await io.ask!(`Type ${plan.municipality.name} to stop its app and restore ${run!.label}: `);
    if (answer.trim() !== plan.municipality.name) {
      io.stderr(`sei-infra restore: not confirmed; ${NOTHING.stopped}\n`);
      return EXIT.failed;
    }
  }
  return await restoreWithWritersStopped(plan, run!, timeoutMs, kubectl, io);
}

/** `--to` as typed; throws UsageError unless it is a real past time with its offset. */
function requireRestoreTime(text: string): Date {
  const at = parseRestoreTime(text);
  if (typeof at === "string") throw new UsageError(`--to ${at}`);
  return at;
}

/**
 * Where the chosen restore reads from: --set the instance's backup claim, --to its cluster's backup
 * store. An instance on a cluster with a store that kept its claim (spec.legacyBackupVolume) has
 * both, and the option says which.
 */
function requireSource(plan: InstancePlan, { set, at }: { set?: string; at?: Date }): void {
  const name = plan.municipality.name;
  if (set !== undefined && !plan.volumes.backup)
    throw new UsageError(
      `${name} has no backup volume: its backups are on its cluster's backup store; restore a point in time with --to TIME (--list shows the times there are)`,
    );
  if (at && !plan.backupStore)
    throw new UsageError(
      `${noBackupStore(plan)}, so there is no point in time to restore; restore a nightly set with --set DATE (--list shows them)`,
    );
}
