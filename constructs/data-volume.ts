/**
 * DataVolume: one data volume of an instance (database, documents, Solr,
 * backups) as its own PersistentVolumeClaim, created by Terraform and never
 * replaced (docs/architecture.md, "Data safety").
 *
 * - `prevent_destroy`: Terraform refuses any plan that would delete the claim,
 *   whatever the reason (tier, phase or version change, a shrink, `destroy`).
 * - Growing the storage request resizes the claim in place (the storage class
 *   must allow volume expansion). A shrink would make the provider replace the
 *   claim: `sei-infra capacity --base` refuses it (the CI gate), `validate`
 *   warns when it can compare with an earlier revision (HEAD or --base), and
 *   if one still reaches a plan, prevent_destroy refuses it here.
 * - `wait_until_bound: false`: WaitForFirstConsumer classes bind only when a
 *   pod mounts the claim, and a bare API server never binds it.
 * - Reclaim policy: a dynamically provisioned volume takes the reclaim policy
 *   of its storage class, and the kubernetes provider cannot set it on the
 *   claim. The `storageClassGuard` precondition makes the plan fail unless the
 *   class exists with `reclaimPolicy: Retain`, so deleting a claim outside
 *   Terraform still keeps the volume.
 */
import { Construct, PersistentVolumeClaimV1, type ITerraformDependable, type Precondition } from "../runtime/cdktf.ts";
import type { VolumePlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";

export interface DataVolumeProps {
  /** Namespace of the claim. */
  readonly namespace: string;
  /** Claim name, size, storage class and access mode. */
  readonly volume: VolumePlan;
  /**
   * Conditions Terraform checks before creating or changing the claim.
   * @default - none
   */
  readonly preconditions?: readonly Precondition[];
  /**
   * What must be applied before the claim is created or grown: the namespace
   * ResourceQuota, which counts requested storage, so that a larger tier's
   * quota is in place before its volumes grow into it.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export class DataVolume extends Construct {
  public readonly resource: PersistentVolumeClaimV1;

  constructor(scope: Construct, id: string, props: DataVolumeProps) {
    super(scope, id);
    const { volume } = props;
    this.resource = new PersistentVolumeClaimV1(this, "Resource", {
      metadata: { name: volume.claimName, namespace: props.namespace },
      spec: {
        accessModes: [volume.accessMode],
        storageClassName: volume.storageClass,
        resources: { requests: { storage: formatBytes(volume.storageBytes) } },
      },
      waitUntilBound: false,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      lifecycle: {
        preventDestroy: true,
        ...(props.preconditions?.length ? { precondition: [...props.preconditions] } : {}),
      },
    });
  }

  /** The claim name, as a reference that orders dependents after the claim. */
  public get claimName(): string {
    return this.resource.metadata.name;
  }
}
