/** What a restore shows a person: the sets or points there are, and the summary before the prompt. */
import type { InstancePlan } from "../core/plan.ts";
import { describeBytes } from "../core/quantity.ts";
import type { BackupSet } from "./backup-source.ts";
import { describeRange, restoreTimeText, type PointInTime } from "./restic-points.ts";
import type { StoreInspection } from "./store-source.ts";
import { writerCounts } from "./writers.ts";

/** The sets' names for a one-line message, each with what makes it unusable. */
export function setNames(sets: readonly BackupSet[]): string {
  return sets.length === 0 ? "none" : sets.map((s) => s.name + (s.problem ? ` (${s.problem})` : "")).join(", ");
}

/** `restore --list`: one row a set, newest first, as the source gives them. */
export function setTable(sets: readonly BackupSet[]): string {
  if (sets.length === 0) return "no backup sets\n";
  const rows = sets.map((s) => [
    s.name,
    describeBytes(s.bytes),
    s.writtenAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
    s.problem ? `unusable: ${s.problem}` : "complete",
  ]);
  return table([["Set", "Size", "Written", "State"], ...rows]);
}

function table(all: readonly (readonly string[])[]): string {
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

const utc = (at: Date) => at.toISOString().slice(0, 19).replace("T", " ") + " UTC";

/**
 * `restore --list` of the backup store: each nightly database dump and document snapshot with its
 * size and time, the span the shipped binlogs cover, and the times --to takes.
 */
export function pointsTable({ snapshots, sizes }: StoreInspection): string {
  const rows = snapshots
    .filter((s) => s.kind === "databases" || s.kind === "documents")
    .reverse()
    .map((s) => [
      s.kind === "databases" ? "databases" : "documents",
      utc(s.time),
      sizes.has(s.id) ? describeBytes(sizes.get(s.id)!) : "?",
      s.id.slice(0, 8),
      s.kind === "databases" && !s.binlog ? "unusable: no binlog position" : "",
    ]);
  const binlogs = snapshots.filter((s) => s.kind === "binlog");
  return [
    rows.length === 0 ? "no nightly backups\n" : table([["Snapshot of", "Taken", "Size", "Id", ""], ...rows]),
    binlogs.length === 0
      ? "binlogs: none shipped\n"
      : `binlogs: shipped from ${utc(binlogs[0]!.time)} to ${utc(binlogs.at(-1)!.time)} (${binlogs.length} shippings)\n`,
    `restore --to: ${describeRange(snapshots)}\n`,
  ].join("");
}

/** What a restore to a point in time is about to do, shown before the prompt (and by --dry-run). */
export function pointSummary(
  plan: InstancePlan,
  at: Date,
  point: PointInTime,
  sizes: ReadonlyMap<string, number>,
): string {
  const counts = writerCounts(plan);
  const size = (id: string) => (sizes.has(id) ? `, ${describeBytes(sizes.get(id)!)}` : "");
  return [
    `Restore of ${plan.municipality.displayName} (${plan.municipality.name}, phase ${plan.municipality.phase}) to ${restoreTimeText(at)}`,
    `  cluster    ${plan.cluster.name} (context ${plan.cluster.context}), namespace ${plan.namespace.name}`,
    `  databases  the dump of ${utc(point.dump.time)}${size(point.dump.id)} (${point.dump.id.slice(0, 8)}), then the binlogs up to ${utc(at)} (shipped ${utc(point.binlogs.time)})`,
    `  documents  ${point.documents ? `the snapshot of ${utc(point.documents.time)}${size(point.documents.id)} (${point.documents.id.slice(0, 8)})` : "none: the store holds no documents snapshot before that time"}`,
    `  target     ${plan.database.seiDatabase} and ${plan.database.sipDatabase} hold no table; the document repository is empty`,
    `  downtime   the app (${counts.app} replicas) and the scheduler stop until the Job ends, then start again`,
    "",
  ].join("\n");
}

/** What is about to happen, shown before the prompt (and by --dry-run). */
export function restoreSummary(plan: InstancePlan, set: BackupSet): string {
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
