/**
 * A data volume never shrinks: the kubernetes provider replaces a claim whose
 * size goes down, and the data goes with it (docs/architecture.md, "Data safety").
 * `capacity --base` makes a shrink an error (the CI gate); `validate`, when it
 * can compare with an earlier revision, warns. Either way prevent_destroy
 * refuses the plan if one still reaches Terraform.
 */
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import { VOLUME_KINDS, type VolumeKind, type VolumePlan } from "../plan.ts";
import { formatBytes } from "../quantity.ts";
import type { Member } from "./identity.ts";

export type Volumes = Readonly<Record<VolumeKind, VolumePlan>>;

/** One diagnostic per volume of `now` smaller than it `was` (the same municipality's volumes, resolved at two revisions). */
export function shrinkingVolumes(
  now: Member,
  was: Volumes,
  is: Volumes,
  severity: Diagnostic["severity"],
): Diagnostic[] {
  const { name } = now.municipality.metadata;
  return VOLUME_KINDS.filter((kind) => is[kind].storageBytes < was[kind].storageBytes).map((kind) => {
    const from = formatBytes(was[kind].storageBytes);
    const to = formatBytes(is[kind].storageBytes);
    return fileDiagnostic(
      now.file,
      `${name}: volume ${kind} (claim ${is[kind].claimName}) would shrink from ${from} to ${to}; ` +
        `a volume cannot shrink without losing its data: keep it at ${from} or more with spec.overrides.${kind}Storage: ${from}`,
      { severity, path: overridePath(kind, now) ?? "spec.tier" },
    );
  });
}

/** The override that sets a volume's size, when the file has one; else the tier does. */
function overridePath(kind: VolumeKind, member: Member): string | undefined {
  const key = `${kind}Storage` as const;
  const overrides: Readonly<Record<string, unknown>> = member.municipality.spec.overrides ?? {};
  return key in overrides ? `spec.overrides.${key}` : undefined;
}
