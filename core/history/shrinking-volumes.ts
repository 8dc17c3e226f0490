/**
 * A data volume never shrinks: the kubernetes provider replaces a claim whose
 * size goes down, and the data goes with it (docs/architecture.md, "Data safety").
 * `capacity --base` makes a shrink an error (the CI gate); `validate`, when it
 * can compare with an earlier revision, warns. Either way prevent_destroy
 * refuses the plan if one still reaches Terraform.
 */
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import { VOLUME_KINDS, type VolumeKind, type VolumesPlan } from "../plan.ts";
import { formatBytes } from "../quantity.ts";
import type { Member } from "./identity.ts";

export type Volumes = VolumesPlan;

/**
 * One diagnostic per volume of `now` smaller than it `was` (the same municipality's volumes, resolved at two
 * revisions), and an error for a claim that would go: a backup claim dropped because the cluster got a backup
 * store (docs/backups.md, "Existing backup claims"); prevent_destroy would refuse that plan anyway. A claim
 * marked "migrated" goes from the state only (a `removed` block), so that is no error.
 */
export function shrinkingVolumes(
  now: Member,
  was: Volumes,
  is: Volumes,
  severity: Diagnostic["severity"],
): Diagnostic[] {
  const { name } = now.municipality.metadata;
  return VOLUME_KINDS.flatMap((kind) => {
    const before = was[kind];
    const after = is[kind];
    if (!before) return [];
    // Its sets are in the store (backups migrate-claim): the stack forgets the claim and the volume stays.
    if (!after && now.municipality.spec.legacyBackupVolume === "migrated") return [];
    if (!after)
      return [
        fileDiagnostic(
          now.file,
          `${name}: the backup claim ${before.claimName} (${formatBytes(before.storageBytes)}) would be deleted: ` +
            `its cluster now has a backup store, and only new instances go without a claim; keep it with ` +
            `spec.legacyBackupVolume: true until its sets are migrated (docs/backups.md, "Existing backup claims")`,
          { severity: "error", path: "spec" },
        ),
      ];
    if (after.storageBytes >= before.storageBytes) return [];
    const from = formatBytes(before.storageBytes);
    const to = formatBytes(after.storageBytes);
    return [
      fileDiagnostic(
        now.file,
        `${name}: volume ${kind} (claim ${after.claimName}) would shrink from ${from} to ${to}; ` +
          `a volume cannot shrink without losing its data: keep it at ${from} or more with spec.overrides.${kind}Storage: ${from}`,
        { severity, path: overridePath(kind, now) ?? "spec.tier" },
      ),
    ];
  });
}

/** The override that sets a volume's size, when the file has one; else the tier does. */
function overridePath(kind: VolumeKind, member: Member): string | undefined {
  const key = `${kind}Storage` as const;
  const overrides: Readonly<Record<string, unknown>> = member.municipality.spec.overrides ?? {};
  return key in overrides ? `spec.overrides.${key}` : undefined;
}
