/**
 * Whether one instance's off-site backups are on time (docs/drills.md, "Watching the backups"):
 * the times of the newest complete nightly backup (its manifest, written last) and of the newest
 * binlog shipping, from the store itself (`restic snapshots`, with the administrator's key: the
 * truth whatever happened to the pods), against the plan's RPO.
 */
import type { BackupStorePlan, OffsiteBackupPlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { parseResticSnapshots } from "../restore/restic-points.ts";
import { restic } from "./restic.ts";
import type { StoreCredential } from "./store-client.ts";

export interface WatchInput {
  readonly municipality: string;
  readonly store: BackupStorePlan;
  readonly admin: StoreCredential;
  readonly repositoryPassword: string;
  readonly resticProgram?: string;
}

export interface StoreTimes {
  readonly newestBackupAt: Date | null;
  readonly newestShippedAt: Date | null;
}

export class WatchError extends Error {}

export async function storeTimes(input: WatchInput): Promise<StoreTimes> {
  const run = await restic(
    {
      store: input.store,
      credential: input.admin,
      repositoryPassword: input.repositoryPassword,
      ...(input.resticProgram ? { program: input.resticProgram } : {}),
    },
    ["--no-lock", "snapshots", "--json", "--latest", "1", "--host", input.municipality],
  );
  if (run.code !== 0)
    throw new WatchError(
      `listing ${input.store.repository}: restic exited ${run.code}: ${printable(run.stderr.trim().split("\n").slice(-2).join("; "))}`,
    );
  let snapshots;
  try {
    snapshots = parseResticSnapshots(run.stdout, input.municipality);
  } catch (error) {
    throw new WatchError(
      `listing ${input.store.repository}: restic's answer does not read: ${(error as Error).message}`,
    );
  }
  const newest = (kind: string) => snapshots.filter((s) => s.kind === kind).at(-1)?.time ?? null;
  return { newestBackupAt: newest("manifest"), newestShippedAt: newest("binlog") };
}

/** What can be older than its RPO: the nightly backup, or the binlog shipping. */
export type Late = "backup" | "binlog";

/** Which of the two is older than its RPO at `now` (one never made is late). */
export function lateOf(times: StoreTimes, rpo: OffsiteBackupPlan["rpo"], now: Date): Late[] {
  const older = (at: Date | null, seconds: number) => at === null || now.getTime() - at.getTime() > seconds * 1000;
  return [
    ...(older(times.newestBackupAt, rpo.backupSeconds) ? (["backup"] as const) : []),
    ...(older(times.newestShippedAt, rpo.binlogSeconds) ? (["binlog"] as const) : []),
  ];
}
