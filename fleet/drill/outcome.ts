/**
 * What a drill Job's log says (fleet/drill/scratch-namespace.ts runs drill-set.sh, the restore and
 * drill-check.sh): the store's newest snapshots, the restore's duration, each difference from the
 * manifest, and whether the check passed. The log is the pod's output, made of what the store
 * holds (document names among it): read as hostile, every line kept printable and the differences
 * counted, only the first ones kept.
 */
import { printable } from "../../core/printable.ts";
import { parseResticSnapshots, type ResticSnapshot } from "../../restore/restic-points.ts";

/** Differences a report lists; beyond them it gives only their number. */
export const LISTED_DIFFERENCES = 50;

export interface DrillOutcome {
  readonly passed: boolean;
  /** "table sei protocolo checksum 1 2", "document 2026/1/5.pdf missing": the first LISTED_DIFFERENCES. */
  readonly differences: readonly string[];
  readonly differenceCount: number;
  /** Seconds restore/restore.sh took to load the set, when it ran. */
  readonly restoreSeconds: number | null;
  /** The newest manifest (the backup the drill checked) and the newest shipped binlogs. */
  readonly backupAt: Date | null;
  readonly lastShippedAt: Date | null;
  /** The scripts' own ERROR lines, when the drill could not run to its check. */
  readonly errors: readonly string[];
  /** The log's last line but the markers: why a Job stopped where no script said (a failed mktemp). */
  readonly lastLine: string | null;
}

export function drillOutcome(log: string, municipality: string): DrillOutcome {
  const lines = log.split("\n");
  const differences = lines.filter((l) => l.startsWith("DIFF ")).map((l) => printable(l.slice(5), 300));
  const restored = lines.map((l) => /^DRILL-RESTORED (\d{1,9})$/.exec(l)?.[1]).find((s) => s !== undefined);
  const snapshots = snapshotsOf(lines, municipality);
  const lastLine = lines.filter((l) => l.trim() !== "" && !l.startsWith("DRILL-")).at(-1);
  const newest = (kind: string) => snapshots.filter((s) => s.kind === kind).at(-1)?.time ?? null;
  return {
    passed: differences.length === 0 && lines.some((l) => l.startsWith("drill-check.sh: drill check passed:")),
    differences: differences.slice(0, LISTED_DIFFERENCES),
    differenceCount: differences.length,
    restoreSeconds: restored === undefined ? null : Number(restored),
    backupAt: newest("manifest"),
    lastShippedAt: newest("binlog"),
    errors: lines.filter((l) => /^[a-z-]+\.sh: ERROR: /.test(l)).map((l) => printable(l, 500)),
    lastLine: lastLine === undefined ? null : printable(lastLine, 500),
  };
}

function snapshotsOf(lines: readonly string[], municipality: string): ResticSnapshot[] {
  const json = lines.find((l) => l.startsWith("DRILL-SNAPSHOTS "))?.slice("DRILL-SNAPSHOTS ".length);
  if (!json) return [];
  try {
    return parseResticSnapshots(json, municipality);
  } catch {
    return [];
  }
}
