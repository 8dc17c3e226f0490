/**
 * `sei-infra restore NAME --set YYYY-MM-DD`: one backup set of a production
 * instance back into its database and document repository (docs/restore.md).
 *
 * Safe to get wrong: everything that can be checked without stopping anything
 * is checked first, read-only (the municipality and its phase: instance.ts;
 * the set exists and is complete, the target is empty: the BackupSource), then
 * a summary, and a prompt on a terminal (without one, --yes). Only then does
 * writers-stopped.ts stop the app and the scheduler, run the restore Job and
 * start them again, whatever happens. Kubernetes is reached with the
 * kubeconfig and context of the municipality's cluster entry in platform.yaml.
 * Exit codes: shell/exit.ts, EXIT_MEANINGS.restore.
 *
 * Where the sets come from is one seam (`backupSource` below: today the
 * instance's own backup volume); what the restore goes back to is the set
 * chosen here and passed on to the Job.
 */
import type { InstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { DURATION_HINT, parseDuration } from "../shell/duration.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded, usageLine } from "../shell/guard.ts";
import type { Io } from "../shell/io.ts";
import { NOTHING } from "../shell/messages.ts";
import { targetProblems } from "./backup-source.ts";
import { restoreSummary, setNames, setTable } from "./describe.ts";
import { restorablePlan } from "./instance.ts";
import { kubectlFor, KubectlError, type Kubectl } from "./kubectl.ts";
import { requireSetName } from "./set-name.ts";
import { volumeSource, type VolumeSource } from "./volume-source.ts";
import { restoreWithWritersStopped } from "./writers-stopped.ts";

/** The command line as typed (cli/restore.ts declares it). */
export interface RestoreOptions {
  readonly name: string;
  readonly set?: string;
  readonly list: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** As typed, relative to where the command runs. @default the repository's municipalities/ */
  readonly municipalities?: string;
  readonly timeout: string;
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
  const timeoutMs = parseDuration(options.timeout);
  if (timeoutMs === undefined) throw new UsageError(`--timeout ${options.timeout}: ${DURATION_HINT}`);
  if (options.list && options.set) throw new UsageError("--list shows every set: give it without --set");
  const set = options.list ? undefined : requireSetName(options.set);
  const plan = restorablePlan({ cwd: io.cwd, municipalities: options.municipalities }, options.name, io.stderr);
  if (!plan) return EXIT.failed;
  if (!options.list && !options.dryRun && !options.yes && !io.ask)
    throw new UsageError(
      "there is no terminal to confirm on: give --yes to restore without a prompt (or --dry-run to see what would happen)",
    );
  const kubectl = kubectlFor(plan.cluster, io.env);
  const say = (text: string) => io.stdout(`restore ${plan.municipality.name}: ${text}\n`);
  const source = backupSource(plan, kubectl, timeoutMs, io);

  if (set === undefined) {
    say(`reading the sets on ${source.where} (read-only)`);
    io.stdout(setTable(await source.list()));
    return EXIT.ok;
  }
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
    io.stderr(`sei-infra restore: refused; ${NOTHING.stopped}\n`);
    return EXIT.failed;
  }
  io.stdout(restoreSummary(plan, found!));
  if (options.dryRun) {
    say(`dry run: every check passed; ${NOTHING.stopped}`);
    return EXIT.ok;
  }
  if (!options.yes) {
    const answer = await io.ask!(`Type ${plan.municipality.name} to stop its app and restore set ${set}: `);
    if (answer.trim() !== plan.municipality.name) {
      io.stderr(`sei-infra restore: not confirmed; ${NOTHING.stopped}\n`);
      return EXIT.failed;
    }
  }
  return await restoreWithWritersStopped(plan, set, timeoutMs, kubectl, io);
}

/** Where the sets come from: today the instance's own backup volume, read by a read-only Job. */
function backupSource(plan: InstancePlan, kubectl: Kubectl, timeoutMs: number, io: Io): VolumeSource {
  // A Job's log may quote a dump's text (a forged one too): printed as printable text only.
  return volumeSource(plan, kubectl, { timeoutMs, onLine: (line) => io.stdout(`  ${printable(line)}\n`) });
}
