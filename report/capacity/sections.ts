/**
 * The tables of a capacity report and of a diff, built once and drawn by the
 * text and markdown formats alike.
 */
import type { Figures } from "../../core/capacity/figures.ts";
import type { CapacityDiff, ClusterDelta, Delta } from "../../core/capacity/diff.ts";
import type {
  CapacityReport,
  ClusterRow,
  Group,
  MunicipalityRow,
  TierRow,
} from "../../core/capacity/capacity-report.ts";
import type { FigureCell } from "./columns.ts";
import { COMPACT, FULL } from "./columns.ts";
import type { Align, Table } from "../table.ts";
import { bytes, change, cores, count, percent } from "./units.ts";

export type Layout = "full" | "compact";

const right = (n: number): Align[] => Array.from({ length: n }, () => "right");
const left = (n: number): Align[] => Array.from({ length: n }, () => "left");

function municipalitiesTable(rows: readonly MunicipalityRow[]): Table {
  return {
    headers: ["Municipality", "Tier", "Phase", "Cluster", ...FULL.map((c) => c.header)],
    align: [...left(4), ...right(FULL.length)],
    rows: rows.map((r) => [r.name, r.tier, r.phase, r.cluster, ...FULL.map((c) => c.show(r.figures))]),
  };
}

function tiersTable(tiers: readonly TierRow[]): Table {
  return {
    headers: ["Tier", "Municipalities", ...FULL.map((c) => c.header)],
    align: ["left", ...right(1 + FULL.length)],
    rows: tiers.map((t) => [t.tier, count(t.municipalities), ...FULL.map((c) => c.show(t.figures))]),
  };
}

function totalsTable(report: CapacityReport): Table {
  const rows: [string, number, Figures][] = [
    ["Active", report.totals.municipalities, report.totals.figures],
    ["Pipeline (contracted)", report.pipeline.municipalities, report.pipeline.figures],
  ];
  return {
    headers: ["Fleet", "Municipalities", ...FULL.map((c) => c.header)],
    align: ["left", ...right(1 + FULL.length)],
    rows: rows.map(([label, n, f]) => [label, count(n), ...FULL.map((c) => c.show(f))]),
  };
}

const CLUSTER_HEADERS = [
  "Cluster",
  "Municipalities",
  "CPU requests (max)",
  "CPU headroom",
  "Memory requests (max)",
  "Memory headroom",
  "Storage",
  "Storage headroom",
  "Object storage",
  "Allocatable",
];

function clustersTable(clusters: readonly ClusterRow[]): Table {
  return {
    headers: [...CLUSTER_HEADERS, "State"],
    align: ["left", ...right(8), "left", "left"],
    rows: clusters.map((c) => [
      ...clusterCells(c, c),
      c.overcommitted.length ? `OVER: ${c.overcommitted.join(", ")}` : "ok",
    ]),
  };
}

function clusterDeltaTable(clusters: readonly ClusterDelta[]): Table {
  return {
    headers: CLUSTER_HEADERS,
    align: ["left", ...right(8), "left"],
    rows: clusters.map((c) => clusterCells(c.before, c.after, c.name)),
  };
}

function clusterCells(
  before: ClusterRow | null,
  after: ClusterRow | null,
  name = after?.name ?? before?.name ?? "",
): string[] {
  const cell = (show: (c: ClusterRow) => string) =>
    change(before ? show(before) : undefined, after ? show(after) : undefined);
  const latest = after ?? before;
  return [
    name,
    cell((c) => count(c.municipalities)),
    cell((c) => cores(c.usage.cpuMillicores)),
    cell((c) => percent(c.headroomPercent.cpu)),
    cell((c) => bytes(c.usage.memoryBytes)),
    cell((c) => percent(c.headroomPercent.memory)),
    cell((c) => bytes(c.usage.storageBytes)),
    cell((c) => percent(c.headroomPercent.storage)),
    cell((c) => bytes(c.figures.objectStorageBytes)),
    latest
      ? `${cores(latest.allocatable.cpuMillicores)} cores, ${bytes(latest.allocatable.memoryBytes)}, ${bytes(latest.allocatable.storageBytes)}`
      : "",
  ];
}

/** One line of a diff table: who it is, what it is on each side, and the figures on each side. */
interface DeltaLine {
  /** Cells shown once (name, reasons). */
  readonly key: readonly string[];
  /** Cells that may differ between the sides (tier, phase...); null for a side that does not exist. */
  readonly before: readonly string[] | null;
  readonly after: readonly string[] | null;
  readonly beforeFigures: Figures | null;
  readonly afterFigures: Figures | null;
  /** What the fleet gains or loses (for a municipality: only active figures count). */
  readonly delta: Figures;
}

interface DeltaHeaders {
  readonly key: readonly string[];
  readonly sides: readonly string[];
}

/**
 * `full`: a "before", an "after" and a delta row per line, every figure.
 * `compact`: one row per line with "before → after (Δ)" cells; a side that
 * does not exist (an added or removed municipality) shows the other alone.
 */
function deltaTable(
  headers: DeltaHeaders,
  lines: readonly DeltaLine[],
  columns: readonly FigureCell[],
  layout: Layout,
  deltaLabel = "Δ",
): Table {
  const ids = [...headers.key, ...headers.sides];
  const blank = (n: number) => Array.from({ length: n }, () => "");
  if (layout === "compact") {
    return {
      headers: [...ids, ...columns.map((c) => c.header)],
      align: [...left(ids.length), ...right(columns.length)],
      rows: lines.map((l) => [
        ...l.key,
        ...headers.sides.map((_, i) => present(l.before?.[i], l.after?.[i])),
        ...columns.map((c) => {
          const moved = present(
            l.beforeFigures ? c.show(l.beforeFigures) : undefined,
            l.afterFigures ? c.show(l.afterFigures) : undefined,
          );
          const delta = c.showDelta(l.delta);
          return delta === "0" ? moved : `${moved} (${delta})`;
        }),
      ]),
    };
  }
  const figures = (f: Figures | null) => columns.map((c) => (f ? c.show(f) : "—"));
  return {
    headers: [...ids, "", ...columns.map((c) => c.header)],
    align: [...left(ids.length + 1), ...right(columns.length)],
    rows: lines.flatMap((l) => {
      const before = l.before ?? headers.sides.map(() => "—");
      // The after row repeats only what changed, so the eye finds it.
      const after = (l.after ?? headers.sides.map(() => "—")).map((cell, i) => (cell === before[i] ? "" : cell));
      return [
        [...l.key, ...before, "before", ...figures(l.beforeFigures)],
        [...blank(l.key.length), ...after, "after", ...figures(l.afterFigures)],
        [...blank(ids.length), deltaLabel, ...columns.map((c) => c.showDelta(l.delta))],
      ];
    }),
  };
}

/** "a → b", or the one side there is. */
function present(before: string | undefined, after: string | undefined): string {
  if (before === undefined) return after ?? "";
  if (after === undefined) return before;
  return change(before, after);
}

function changesTable(diff: CapacityDiff, layout: Layout, columns: readonly FigureCell[] = FULL): Table {
  const sides = (r: MunicipalityRow | null) => (r ? [r.tier, r.phase, r.cluster] : null);
  const lines = diff.changes.map((c): DeltaLine => ({
    key: [c.name, c.reasons.join(", ")],
    before: sides(c.before),
    after: sides(c.after),
    beforeFigures: c.before?.figures ?? null,
    afterFigures: c.after?.figures ?? null,
    delta: c.delta,
  }));
  // A pipeline municipality consumes nothing: its delta row says what the fleet gains, not how its figures moved.
  return deltaTable(
    { key: ["Municipality", "Change"], sides: ["Tier", "Phase", "Cluster"] },
    lines,
    columns,
    layout,
    "Δ fleet",
  );
}

function groupLine(label: string, d: Delta<Group>): DeltaLine {
  return {
    key: [label],
    before: [count(d.before.municipalities)],
    after: [count(d.after.municipalities)],
    beforeFigures: d.before.figures,
    afterFigures: d.after.figures,
    delta: d.delta,
  };
}

function tierDeltaTable(diff: CapacityDiff, layout: Layout, columns: readonly FigureCell[] = FULL): Table {
  const lines = diff.tiers
    .filter((t) => t.before.municipalities > 0 || t.after.municipalities > 0)
    .map((t) => groupLine(t.tier, t));
  return deltaTable({ key: ["Tier"], sides: ["Municipalities"] }, lines, columns, layout);
}

function totalsDeltaTable(diff: CapacityDiff, layout: Layout, columns: readonly FigureCell[] = FULL): Table {
  const lines = [groupLine("Active", diff.totals), groupLine("Pipeline (contracted)", diff.pipeline)];
  return deltaTable({ key: ["Fleet"], sides: ["Municipalities"] }, lines, columns, layout);
}

/** Every table of a fleet report, for the formats to arrange. */
export function reportTables(report: CapacityReport) {
  return {
    municipalities: municipalitiesTable(report.municipalities),
    tiers: tiersTable(report.tiers),
    clusters: clustersTable(report.clusters),
    fleet: totalsTable(report),
  };
}

/** Every table of a diff; `null` changes when no municipality changes. */
export function diffTables(diff: CapacityDiff) {
  const some = diff.changes.length > 0;
  return {
    changes: some ? { full: changesTable(diff, "full"), compact: changesTable(diff, "compact", COMPACT) } : null,
    tiers: tierDeltaTable(diff, "compact", COMPACT),
    clusters: clusterDeltaTable(diff.clusters),
    fleet: { full: totalsDeltaTable(diff, "full"), compact: totalsDeltaTable(diff, "compact", COMPACT) },
  };
}
