/**
 * The difference between the capacity of two revisions of the fleet: which
 * municipalities change, why, and what that does to tiers, clusters and the
 * fleet. Both revisions are resolved by the same (current) code, so a change
 * in the figures comes from the data alone.
 */
import { TIER_IDS, type TierId } from "../schema/municipality.ts";
import type { Figures } from "./figures.ts";
import { ZERO_FIGURES, sameFigures, subtractFigures } from "./figures.ts";
import type { CapacityReport, ClusterRow, Group, MunicipalityRow, TierRow } from "./capacity-report.ts";
import { buildReport, rowOf } from "./capacity-report.ts";
import type { Entry, Snapshot } from "./snapshot.ts";

/** Why a municipality's figures moved, in the order reports list them. */
export const REASONS = [
  "added",
  "removed",
  "tier changed",
  "tier definition changed",
  "override changed",
  "phase changed",
  "cluster changed",
] as const;
export type Reason = (typeof REASONS)[number];

export interface Change {
  readonly name: string;
  readonly reasons: readonly Reason[];
  /** Null when added. */
  readonly before: MunicipalityRow | null;
  /** Null when removed. */
  readonly after: MunicipalityRow | null;
  /**
   * Change in consumed capacity: a pipeline row consumes nothing, so a
   * municipality that is formalized adds its whole figures here. The deltas of
   * all changes add up to the fleet's.
   */
  readonly delta: Figures;
}

export interface Delta<T> {
  readonly before: T;
  readonly after: T;
  readonly delta: Figures;
}

export interface ClusterDelta extends Delta<ClusterRow | null> {
  readonly name: string;
}

export interface CapacityDiff {
  readonly base: CapacityReport;
  readonly head: CapacityReport;
  /** Changed municipalities only, sorted by name. */
  readonly changes: readonly Change[];
  readonly totals: Delta<Group>;
  readonly pipeline: Delta<Group>;
  readonly tiers: readonly (Delta<TierRow> & { readonly tier: TierRow["tier"] })[];
  readonly clusters: readonly ClusterDelta[];
}

export function diffSnapshots(base: Snapshot, head: Snapshot): CapacityDiff {
  const baseReport = buildReport(base);
  const headReport = buildReport(head);
  const before = byName(base.entries);
  const after = byName(head.entries);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  // Compared once per tier, not once per municipality.
  const tierChanged = new Map(TIER_IDS.map((t) => [t, !sameData(base.tiers.get(t)?.spec, head.tiers.get(t)?.spec)]));
  const changes: Change[] = [];
  for (const name of names) {
    const change = changeOf(name, before.get(name), after.get(name), (t) => tierChanged.get(t) ?? true);
    if (change) changes.push(change);
  }
  const delta = <T extends Group>(b: T, a: T): Delta<T> => ({
    before: b,
    after: a,
    delta: subtractFigures(a.figures, b.figures),
  });
  const clusterNames = [...new Set([...headReport.clusters, ...baseReport.clusters].map((c) => c.name))];
  return {
    base: baseReport,
    head: headReport,
    changes,
    totals: delta(baseReport.totals, headReport.totals),
    pipeline: delta(baseReport.pipeline, headReport.pipeline),
    tiers: TIER_IDS.map((tier, i) => ({ tier, ...delta(baseReport.tiers[i]!, headReport.tiers[i]!) })),
    clusters: clusterNames.map((name) => {
      const b = baseReport.clusters.find((c) => c.name === name) ?? null;
      const a = headReport.clusters.find((c) => c.name === name) ?? null;
      return {
        name,
        before: b,
        after: a,
        delta: subtractFigures(a?.figures ?? ZERO_FIGURES, b?.figures ?? ZERO_FIGURES),
      };
    }),
  };
}

function changeOf(
  name: string,
  b: Entry | undefined,
  a: Entry | undefined,
  tierChanged: (tier: TierId) => boolean,
): Change | undefined {
  if (b && a && !moved(b, a)) return undefined;
  return {
    name,
    reasons: reasonsOf(b, a, tierChanged),
    before: b ? rowOf(b) : null,
    after: a ? rowOf(a) : null,
    delta: subtractFigures(consumed(a), consumed(b)),
  };
}

function moved(b: Entry, a: Entry): boolean {
  return (
    !sameFigures(b.figures, a.figures) ||
    b.status !== a.status ||
    b.municipality.spec.tier !== a.municipality.spec.tier ||
    b.municipality.spec.phase !== a.municipality.spec.phase ||
    b.plan.cluster.name !== a.plan.cluster.name
  );
}

function reasonsOf(b: Entry | undefined, a: Entry | undefined, tierChanged: (tier: TierId) => boolean): Reason[] {
  if (!b) return ["added"];
  if (!a) return ["removed"];
  const was = b.municipality.spec;
  const is = a.municipality.spec;
  const reasons: Reason[] = [];
  if (was.tier !== is.tier) reasons.push("tier changed");
  else if (tierChanged(is.tier)) reasons.push("tier definition changed");
  if (!sameData(was.overrides ?? {}, is.overrides ?? {})) reasons.push("override changed");
  if (was.phase !== is.phase) reasons.push("phase changed");
  if (b.plan.cluster.name !== a.plan.cluster.name) reasons.push("cluster changed");
  return reasons;
}

function consumed(entry: Entry | undefined): Figures {
  return entry?.status === "active" ? entry.figures : ZERO_FIGURES;
}

/**
 * Parsed YAML compared as data: quantities are numbers by now, so "1Ti" equals
 * "1024Gi", and keys are sorted so the order they were written in does not count.
 */
function sameData(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

function byName(entries: readonly Entry[]): Map<string, Entry> {
  return new Map(entries.map((e) => [e.municipality.metadata.name, e]));
}
