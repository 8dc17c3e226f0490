/**
 * A deployed municipality stays on its cluster unless the change declares the
 * move (docs/runbooks/move-cluster.md). The stack's state describes objects of
 * the cluster it runs on: pointed at another one, the deploy builds a new,
 * empty instance there and leaves the running one, with its volumes and data,
 * unmanaged. A move is a final backup, the change and a restore; the change
 * says where the instance comes from with `spec.movedFrom: <the cluster it
 * runs on>`, so a typo in `spec.cluster`, or a new `spec.defaultCluster` in
 * platform.yaml, moves nothing unnoticed. A declaration left in the file after
 * the move is inert: it only ever allows a move from the cluster it names.
 */
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Deployed } from "./deployed.ts";

const RUNBOOK = "docs/runbooks/move-cluster.md";

export function undeclaredClusterMoves(
  pairs: readonly Deployed[],
  platforms: { readonly before: Platform; readonly after: Platform },
): Diagnostic[] {
  return pairs.flatMap(({ old, now }) => {
    const from = clusterOf(old.municipality, platforms.before);
    const to = clusterOf(now.municipality, platforms.after);
    if (from === to) return [];
    const { name } = now.municipality.metadata;
    const { movedFrom, cluster } = now.municipality.spec;
    if (movedFrom === from) return [];
    if (movedFrom !== undefined)
      return [
        fileDiagnostic(
          now.file,
          `${name} runs on cluster ${from}, not ${movedFrom}: a move to ${to} is declared with spec.movedFrom: ${from} (${RUNBOOK})`,
          { path: "spec.movedFrom" },
        ),
      ];
    const byDefault = cluster === undefined;
    return [
      fileDiagnostic(
        now.file,
        `${name} moves from cluster ${from} to ${to}` +
          (byDefault ? ` (platform.yaml's spec.defaultCluster changed, and it has no spec.cluster)` : "") +
          `: the deploy would build a new, empty instance on ${to} and leave the one on ${from}, its volumes and its data unmanaged; ` +
          (byDefault ? `keep it where it is with spec.cluster: ${from}, or move it: ` : "") +
          `a move is a final backup, this change and a restore: declare it with spec.movedFrom: ${from} as ${RUNBOOK} says`,
        { path: "spec.cluster" },
      ),
    ];
  });
}

function clusterOf(municipality: Municipality, platform: Platform): string {
  return municipality.spec.cluster ?? platform.spec.defaultCluster;
}
