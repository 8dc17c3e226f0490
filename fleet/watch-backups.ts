/**
 * `sei-infra fleet backups [SELECT]` (docs/drills.md, "Watching the backups"): the instances whose
 * newest complete nightly backup or newest binlog shipping is older than the plan's RPO, read from
 * the store with the administrator's key (on the operator's side, as `backups prune` reads it) and
 * the repository key of the namespace's Secret. The shipper's own status file, where its pod
 * answers, is shown beside: the store decides. Exit 1 when any instance is late or could not be read.
 */
import { SecretProblem, tenantKeys } from "../backups/namespace-secret.ts";
import { lateOf, storeTimes, WatchError, type Late, type StoreTimes } from "../backups/watch.ts";
import { hasOffsiteBackups, type OffsiteInstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { textTable } from "../report/table.ts";
import { kubectlFor, KubectlError, type Kubectl } from "../restore/kubectl.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { guarded } from "../shell/guard.ts";
import type { Io } from "../shell/io.ts";
import { atRoot, rebased } from "../shell/paths.ts";
import { loadSelection, type SelectOptions } from "./load.ts";

export const BACKUPS_FORMATS = ["table", "json"] as const;

export interface BackupsOptions extends SelectOptions {
  readonly format: (typeof BACKUPS_FORMATS)[number];
}

interface Watched {
  readonly municipality: string;
  readonly cluster: string;
  readonly newestBackupAt: string | null;
  readonly newestShippedAt: string | null;
  /** What the shipper's pod says (its STATUS_FILE), null where it did not answer. */
  readonly shipperReportedAt: string | null;
  readonly rpo: { readonly backupSeconds: number; readonly binlogSeconds: number };
  readonly late: readonly Late[];
  readonly error: string | null;
}

export function fleetBackups(options: BackupsOptions, started: Io): Promise<number> {
  return guarded("fleet", started.stderr, async () => {
    const { io, typed } = atRoot(started);
    options = rebased(options, ["municipalities"], typed);
    const loaded = loadSelection(io.cwd, options, io.stderr);
    if (!loaded.ok) return EXIT.failed;
    const plans = loaded.plans.filter(hasOffsiteBackups);
    // Every key is looked for before any store is called.
    const admins = plans.map((plan) => adminOf(plan, io.env));
    const now = new Date();
    const watched: Watched[] = [];
    for (const [i, plan] of plans.entries()) watched.push(await watch(plan, admins[i]!, io, now));
    const bad = watched.filter((w) => w.late.length > 0 || w.error);
    if (options.format === "json")
      io.stdout(
        `${JSON.stringify({ schemaVersion: 1, command: "backups", checkedAt: now.toISOString(), instances: watched }, null, 2)}\n`,
      );
    else io.stdout(backupsTable(bad, watched.length, now));
    return bad.length > 0 ? EXIT.failed : EXIT.ok;
  });
}

function adminOf(plan: OffsiteInstancePlan, env: Io["env"]) {
  const names = plan.backupStore.adminCredentialEnv;
  const accessKeyId = env[names.accessKeyId];
  const secretAccessKey = env[names.secretAccessKey];
  if (!accessKeyId || !secretAccessKey)
    throw new UsageError(
      `the store administrator's key of cluster ${plan.cluster.name} is read from ${names.accessKeyId} and ${names.secretAccessKey} (platform.yaml backupStore.adminCredentialEnv): set both`,
    );
  return { accessKeyId, secretAccessKey };
}

async function watch(
  plan: OffsiteInstancePlan,
  admin: { accessKeyId: string; secretAccessKey: string },
  io: Io,
  now: Date,
): Promise<Watched> {
  const offsite = plan.backup.offsite;
  const kubectl = kubectlFor(plan.cluster, io.env);
  const base = { municipality: plan.municipality.name, cluster: plan.cluster.name, rpo: offsite.rpo };
  try {
    const tenant = await tenantKeys(kubectl, plan.namespace.name, plan.backupStore);
    const times: StoreTimes = await storeTimes({
      municipality: plan.municipality.name,
      store: plan.backupStore,
      admin,
      repositoryPassword: tenant.repositoryPassword,
      ...(io.env.RESTIC ? { resticProgram: io.env.RESTIC } : {}),
    });
    return {
      ...base,
      newestBackupAt: times.newestBackupAt?.toISOString() ?? null,
      newestShippedAt: times.newestShippedAt?.toISOString() ?? null,
      shipperReportedAt: await shipperReport(kubectl, plan),
      late: lateOf(times, offsite.rpo, now),
      error: null,
    };
  } catch (error) {
    if (!(error instanceof KubectlError || error instanceof SecretProblem || error instanceof WatchError)) throw error;
    return {
      ...base,
      newestBackupAt: null,
      newestShippedAt: null,
      shipperReportedAt: null,
      late: [],
      error: printable(error.message, 500),
    };
  }
}

/** The shipper's status file (Unix seconds), or null: a pod that is gone or says anything else is no answer. */
async function shipperReport(kubectl: Kubectl, plan: OffsiteInstancePlan): Promise<string | null> {
  const shipper = plan.backup.offsite.shipper;
  const text = await kubectl([
    ...["--namespace", plan.namespace.name, "--request-timeout=15s", "exec", `deployment/${shipper.name}`],
    ...["--", "cat", shipper.statusFile],
  ]).catch(() => "");
  const seconds = /^(\d{9,11})\n?$/.exec(text)?.[1];
  return seconds ? new Date(Number(seconds) * 1000).toISOString() : null;
}

function backupsTable(bad: readonly Watched[], checked: number, now: Date): string {
  const age = (at: string | null) => {
    if (at === null) return "never";
    const minutes = Math.floor((now.getTime() - Date.parse(at)) / 60_000);
    return minutes < 120 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ago`;
  };
  const verdict = `${checked - bad.length} of ${checked} instance(s) with off-site backups on time\n`;
  if (bad.length === 0) return verdict;
  const table = textTable({
    headers: ["MUNICIPALITY", "CLUSTER", "NEWEST BACKUP", "NEWEST BINLOG", "SHIPPER SAYS", "LATE"],
    align: ["left", "left", "left", "left", "left", "left"],
    rows: bad.map((w) => [
      w.municipality,
      w.cluster,
      age(w.newestBackupAt),
      age(w.newestShippedAt),
      age(w.shipperReportedAt),
      w.error ??
        w.late
          .map(
            (l) =>
              `${l} (RPO ${l === "backup" ? w.rpo.backupSeconds / 3600 + " h" : w.rpo.binlogSeconds / 60 + " min"})`,
          )
          .join(", "),
    ]),
  });
  return `${table}\n${verdict}`;
}
