/** The namespace of an instance: its name and labels, Pod Security admission included. */
import { LABEL, PART_OF, namespaceName } from "../naming.ts";
import type { InstancePlan } from "../plan.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";

export function namespaceOf(municipality: Municipality, tier: Tier, platform: Platform): InstancePlan["namespace"] {
  const { spec } = municipality;
  // The standard as the clusters' own release defines it, not `latest`: a Kubernetes upgrade that
  // tightens the profile then changes nothing until platform.yaml moves the version on purpose.
  const version = `v${platform.spec.kubernetesVersion}`;
  return {
    name: namespaceName(municipality.metadata.name),
    labels: {
      [LABEL.municipality]: municipality.metadata.name,
      [LABEL.ibgeCode]: spec.ibgeCode,
      [LABEL.tier]: tier.metadata.name,
      [LABEL.phase]: spec.phase,
      [LABEL.partOf]: PART_OF,
      // Everything SEI needs runs as a restricted pod; nothing in the namespace may do more.
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": version,
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": version,
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": version,
    },
  };
}
