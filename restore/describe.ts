/** What a restore shows a person: the sets there are, and the summary before the prompt. */
import type { InstancePlan } from "../core/plan.ts";
import { describeBytes } from "../core/quantity.ts";
import type { BackupSet } from "./backup-source.ts";
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
