/** The title and the one-paragraph summary every people-facing format opens with. */
import type { CapacityResult } from "../../core/capacity/analyse.ts";
import type { Group } from "../../core/capacity/capacity-report.ts";
import { printable } from "../../core/printable.ts";
import { STORE_BYTES_PER_DATA_BYTE } from "../../core/resolve/backup-store.ts";
import { plural } from "../plural.ts";
import { bytes, change, cores, count } from "./units.ts";

/** The sources name revisions the user typed; printed escaped (core/printable.ts). */
export function title(result: CapacityResult): string {
  return printable(
    result.mode === "report"
      ? `SEI capacity: ${result.report.source}`
      : `SEI capacity change: ${result.diff.base.source} → ${result.diff.head.source}`,
  );
}

export function summary(result: CapacityResult): string {
  if (result.mode === "report") {
    const { totals, pipeline } = result.report;
    return (
      `${plural(totals.municipalities, "active municipality", "active municipalities", count)} and ${count(pipeline.municipalities)} in the pipeline. ` +
      `Active fleet: ${need(totals)}.` +
      objectStorageNote([totals, pipeline])
    );
  }
  const { changes, totals } = result.diff;
  const what =
    changes.length === 1
      ? "1 municipality changes"
      : `${plural(changes.length, "municipality", "municipalities", count)} change`;
  return (
    `${what}. Active fleet: ${need(totals.before, totals.after)}.` +
    objectStorageNote([totals.before, totals.after, result.diff.pipeline.before, result.diff.pipeline.after])
  );
}

/** Where a cluster has a backup store: what its object storage figures assume. */
function objectStorageNote(groups: readonly Group[]): string {
  if (!groups.some((g) => g.figures.objectStorageBytes > 0)) return "";
  return (
    ` Object storage (off-site backups, not the clusters' storage) assumes ${STORE_BYTES_PER_DATA_BYTE} bytes per byte of ` +
    "database and document room: restic keeps one deduplicated copy, and a quarter more holds the history the tier keeps."
  );
}

/** Requests at maximum replicas and storage: what the clusters must hold. */
function need(before: Group, after: Group = before): string {
  const show = (pick: (g: Group) => string) => change(pick(before), pick(after));
  return (
    `${show((g) => cores(g.figures.requests.atMaxReplicas.cpuMillicores))} cores and ` +
    `${show((g) => bytes(g.figures.requests.atMaxReplicas.memoryBytes))} requested at maximum replicas, ` +
    `${show((g) => bytes(g.figures.storageBytes.total))} of storage`
  );
}
