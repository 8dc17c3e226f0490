/**
 * What `validate` tells by comparing the fleet with an earlier revision of it
 * (git HEAD in a checkout, or `--base REV`): a deployed municipality renamed or
 * gone is an error (identity.ts), so are a lowered rotation generation
 * (lowered-rotations.ts) and a move to another cluster that is not declared
 * (cluster-move.ts), and a volume that would shrink is a warning (shrinking-volumes.ts;
 * `capacity --base` makes it an error).
 *
 * One revision alone cannot tell any of this: a rename or a removal leaves no
 * trace in the files that remain, `cdktf.out` is a build output that may be
 * stale or absent, and the Terraform state, which does know what is deployed,
 * sits behind credentials validate neither has nor needs.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { volumesOf } from "../resolve/volumes.ts";
import type { TierId } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";
import { undeclaredClusterMoves } from "./cluster-move.ts";
import { deployedPairs, type Deployed } from "./deployed.ts";
import { identityChanges, type Member } from "./identity.ts";
import { loweredRotations } from "./lowered-rotations.ts";
import { shrinkingVolumes } from "./shrinking-volumes.ts";

/** One revision (a loaded Fleet is one): its municipality files that are valid on their own, its platform and tiers. */
export interface Revision {
  readonly municipalities: readonly Member[];
  /** Every municipality file of the revision, valid or not. */
  readonly files: ReadonlySet<string>;
  readonly platform: Platform | undefined;
  readonly tiers: ReadonlyMap<TierId, Tier>;
}

export function compareRevisions(before: Revision, after: Revision): Diagnostic[] {
  const deployed = deployedPairs(before.municipalities, after.municipalities);
  return [
    ...identityChanges(before.municipalities, after.municipalities, after.files),
    ...loweredRotations(deployed),
    ...(before.platform && after.platform
      ? undeclaredClusterMoves(deployed, { before: before.platform, after: after.platform })
      : []),
    ...shrinkWarnings(deployed, before, after),
  ];
}

function shrinkWarnings(deployed: readonly Deployed[], before: Revision, after: Revision): Diagnostic[] {
  return deployed.flatMap(({ old, now }) => {
    const oldTier = before.tiers.get(old.municipality.spec.tier);
    const newTier = after.tiers.get(now.municipality.spec.tier);
    if (!before.platform || !after.platform || !oldTier || !newTier) return [];
    const volumes = (member: Member, tier: Tier, platform: Platform) => volumesOf(member.municipality, tier, platform);
    return shrinkingVolumes(
      now,
      volumes(old, oldTier, before.platform),
      volumes(now, newTier, after.platform),
      "warning",
    );
  });
}
