/**
 * The checks capacity enforces, as a small table per mode (fleet rules, which
 * judge files, are in core/rules/; these judge resolved plans). A diff check sees both
 * revisions; errors fail the command (exit 1), warnings are printed and pass.
 *
 * - A data volume never shrinks: the kubernetes provider replaces a claim whose
 *   size goes down, and the data goes with it (core/history/shrinking-volumes.ts).
 * - A deployed municipality keeps its name and does not leave the fleet unless
 *   decommissioned (core/history/identity.ts); a decommissioned one that leaves
 *   is a warning, since its volumes are retained.
 * - A deployed municipality never changes cluster: its volumes cannot follow.
 * - A change may not push a cluster past its allocatable capacity; a cluster
 *   that is already past it and does not grow is only a warning, so an old
 *   problem does not block an unrelated change.
 * - A tier should match the population band it is defined for.
 */
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import { PLATFORM_FILE } from "../load-fleet.ts";
import { identityChanges } from "../history/identity.ts";
import { shrinkingVolumes } from "../history/shrinking-volumes.ts";
import { describeBytes, describeCpu } from "../quantity.ts";
import { describeBand, inBand, tierForPopulation } from "../population-band.ts";
import type { Dimension } from "./clusters.ts";
import { AMOUNT_KEY } from "./clusters.ts";
import type { CapacityDiff } from "./diff.ts";
import type { CapacityReport, ClusterRow } from "./capacity-report.ts";
import type { Entry, Snapshot } from "./snapshot.ts";

export interface ReportCheckInput {
  readonly snapshot: Snapshot;
  readonly report: CapacityReport;
}

export interface DiffCheckInput {
  readonly base: Snapshot;
  readonly head: Snapshot;
  readonly diff: CapacityDiff;
}

type Check<I> = (input: I) => Diagnostic[];

const REPORT_CHECKS: readonly Check<ReportCheckInput>[] = [
  ({ report }) => report.clusters.flatMap((c) => overcommitDiagnostics(c, null, "warning")),
  ({ snapshot }) => tierBandWarnings(snapshot.entries, snapshot),
];

const DIFF_CHECKS: readonly Check<DiffCheckInput>[] = [
  volumesNeverShrink,
  ({ base, head }) => identityChanges(base.entries, head.entries),
  dataStaysOnItsCluster,
  clustersStayWithinAllocatable,
  tiersStillMatchBands,
  decommissionedRemovalKeepsData,
];

export function checkReport(input: ReportCheckInput): Diagnostic[] {
  return REPORT_CHECKS.flatMap((check) => check(input));
}

export function checkDiff(input: DiffCheckInput): Diagnostic[] {
  return DIFF_CHECKS.flatMap((check) => check(input));
}

function volumesNeverShrink({ base, head }: DiffCheckInput): Diagnostic[] {
  const before = entriesByName(base);
  return head.entries.flatMap((now) => {
    const was = before.get(now.municipality.metadata.name);
    // A pipeline municipality has no volume yet, so nothing can be lost.
    if (!was || was.status !== "active") return [];
    return shrinkingVolumes(now, was.plan.volumes, now.plan.volumes, "error");
  });
}

/**
 * A deployed instance's volumes live on its cluster. Pointing the municipality
 * at another cluster would make the next deploy build an empty instance there
 * and leave the data behind, so it is an error until the data is migrated.
 */
function dataStaysOnItsCluster({ base, head }: DiffCheckInput): Diagnostic[] {
  const before = entriesByName(base);
  return head.entries.flatMap((now): Diagnostic[] => {
    const was = before.get(now.municipality.metadata.name);
    if (!was || was.status !== "active" || was.plan.cluster.name === now.plan.cluster.name) return [];
    return [
      fileDiagnostic(
        now.file,
        `${now.municipality.metadata.name}: would move from cluster ${was.plan.cluster.name} to ${now.plan.cluster.name}; ` +
          `its database, document, Solr and backup volumes stay on ${was.plan.cluster.name}, so the next deploy would start an empty instance. Migrate the data first`,
        { path: "spec.cluster" },
      ),
    ];
  });
}

function clustersStayWithinAllocatable({ diff }: DiffCheckInput): Diagnostic[] {
  return diff.clusters.flatMap(({ before, after }) => (after ? overcommitDiagnostics(after, before, "error") : []));
}

const DIMENSION_TEXT: Readonly<Record<Dimension, { what: string; show: (n: number) => string }>> = {
  cpu: { what: "CPU requests at maximum replicas", show: describeCpu },
  memory: { what: "memory requests at maximum replicas", show: describeBytes },
  storage: { what: "storage", show: describeBytes },
};

/**
 * One diagnostic per overcommitted dimension of a cluster. With a `before`, the
 * severity is `grown` only when the change adds to that dimension.
 */
function overcommitDiagnostics(
  after: ClusterRow,
  before: ClusterRow | null,
  grown: Diagnostic["severity"],
): Diagnostic[] {
  return after.overcommitted.map((d): Diagnostic => {
    const key = AMOUNT_KEY[d];
    const was = before?.usage[key] ?? 0;
    const added = after.usage[key] - was;
    const text = DIMENSION_TEXT[d];
    const change = before === null ? "" : ` (${added >= 0 ? "+" : "−"}${text.show(Math.abs(added))} in this change)`;
    return fileDiagnostic(
      PLATFORM_FILE,
      `cluster ${after.name}: ${text.what} ${verb(before)} ${text.show(after.usage[key])}, past the ${text.show(after.allocatable[key])} allocatable${change}`,
      {
        severity: before !== null && added > 0 ? grown : "warning",
        path: `spec.clusters.${after.name}.allocatable.${d}`,
      },
    );
  });
}

function verb(before: ClusterRow | null): string {
  return before === null ? "are" : "would be";
}

function tiersStillMatchBands({ base, head }: DiffCheckInput): Diagnostic[] {
  const before = entriesByName(base);
  // Only what this change breaks: a mismatch already there in the base is not news.
  const fresh = head.entries.filter((now) => {
    const was = before.get(now.municipality.metadata.name);
    return !was || bandProblem(was, base) === undefined;
  });
  return tierBandWarnings(fresh, head);
}

function tierBandWarnings(entries: readonly Entry[], snapshot: Snapshot): Diagnostic[] {
  return entries.flatMap((entry): Diagnostic[] => {
    const problem = bandProblem(entry, snapshot);
    return problem ? [fileDiagnostic(entry.file, problem, { severity: "warning", path: "spec.tier" })] : [];
  });
}

function bandProblem(entry: Entry, snapshot: Snapshot): string | undefined {
  const { population, tier } = entry.municipality.spec;
  const band = snapshot.tiers.get(tier)?.spec.population;
  if (!band || inBand(population, band)) return undefined;
  const fitting = tierForPopulation(population, snapshot.tiers.values());
  const hint = fitting ? `; its band is ${fitting.metadata.name}` : "";
  return `${entry.municipality.metadata.name}: population ${population} is outside the ${tier} band (${describeBand(band)})${hint}`;
}

/** Deleting a decommissioned municipality's file stops synthesizing its stack; its data stays in the cluster (any other phase is an identity error). */
function decommissionedRemovalKeepsData({ diff }: DiffCheckInput): Diagnostic[] {
  return diff.changes.flatMap(({ name, before, after }): Diagnostic[] =>
    after === null && before?.phase === "decommissioned"
      ? [
          fileDiagnostic(
            before.file,
            `${name}: the file of a decommissioned municipality is removed; its volumes are retained and keep using ` +
              `${describeBytes(before.figures.storageBytes.total)} of storage, no longer counted here (keep the file to keep them counted)`,
            { severity: "warning" },
          ),
        ]
      : [],
  );
}

function entriesByName(snapshot: Snapshot): Map<string, Entry> {
  return new Map(snapshot.entries.map((e) => [e.municipality.metadata.name, e]));
}
