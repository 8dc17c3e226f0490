/**
 * The capacity report of one fleet: a row per municipality, then the sums per
 * tier, per cluster (against its allocatable capacity) and for the whole fleet.
 * Only active municipalities (past `contracted`) count in the sums; the
 * pipeline is summed apart.
 */
import type { Phase, TierId } from "../schema/municipality.ts";
import { TIER_IDS } from "../schema/municipality.ts";
import type { Amounts, Dimension, Percentages } from "./clusters.ts";
import { allocatableOf, headroomPercent, overcommitted, usageOf } from "./clusters.ts";
import type { Figures } from "./figures.ts";
import { sumFigures } from "./figures.ts";
import type { Entry, Snapshot, Status } from "./snapshot.ts";

export interface MunicipalityRow {
  readonly name: string;
  readonly displayName: string;
  readonly file: string;
  readonly population: number;
  readonly tier: TierId;
  readonly phase: Phase;
  readonly cluster: string;
  readonly status: Status;
  readonly figures: Figures;
}

export interface Group {
  readonly municipalities: number;
  readonly figures: Figures;
}

export interface TierRow extends Group {
  readonly tier: TierId;
}

export interface ClusterRow extends Group {
  readonly name: string;
  /** From platform.yaml. */
  readonly allocatable: Amounts;
  /** Requests at maximum replicas (and storage) in the allocatable capacity's terms. */
  readonly usage: Amounts;
  readonly headroomPercent: Percentages;
  readonly overcommitted: readonly Dimension[];
}

export interface CapacityReport {
  readonly source: string;
  /** Active and pipeline, sorted by name. */
  readonly municipalities: readonly MunicipalityRow[];
  /** Active municipalities per tier, every tier listed. */
  readonly tiers: readonly TierRow[];
  /** Active municipalities per cluster, in platform.yaml order. */
  readonly clusters: readonly ClusterRow[];
  readonly totals: Group;
  readonly pipeline: Group;
}

export function buildReport(snapshot: Snapshot): CapacityReport {
  const active = snapshot.entries.filter((e) => e.status === "active");
  const pipeline = snapshot.entries.filter((e) => e.status === "pipeline");
  return {
    source: snapshot.label,
    municipalities: snapshot.entries.map(rowOf),
    tiers: TIER_IDS.map((tier) => ({ tier, ...group(active.filter((e) => e.municipality.spec.tier === tier)) })),
    clusters: snapshot.platform.spec.clusters.map((cluster) => {
      const members = group(active.filter((e) => e.plan.cluster.name === cluster.name));
      const allocatable = allocatableOf(cluster);
      const usage = usageOf(members.figures);
      return {
        name: cluster.name,
        ...members,
        allocatable,
        usage,
        headroomPercent: headroomPercent(usage, allocatable),
        overcommitted: overcommitted(usage, allocatable),
      };
    }),
    totals: group(active),
    pipeline: group(pipeline),
  };
}

export function rowOf(entry: Entry): MunicipalityRow {
  const { municipality, plan } = entry;
  return {
    name: municipality.metadata.name,
    displayName: municipality.spec.displayName,
    file: entry.file,
    population: municipality.spec.population,
    tier: municipality.spec.tier,
    phase: municipality.spec.phase,
    cluster: plan.cluster.name,
    status: entry.status,
    figures: entry.figures,
  };
}

function group(entries: readonly Entry[]): Group {
  return { municipalities: entries.length, figures: sumFigures(entries.map((e) => e.figures)) };
}
