/**
 * StorageClassGuard: reads a storage class from the cluster and offers a
 * precondition that it exists with `reclaimPolicy: Retain` (docs/architecture.md, "Data safety").
 * A claim's dynamically provisioned volume inherits the class's reclaim policy;
 * with `Delete`, removing the claim would delete the data, so the plan stops
 * before any claim is created on such a class.
 */
import { Construct, DataKubernetesStorageClassV1, Op, type Precondition } from "../runtime/cdktf.ts";

export interface StorageClassGuardProps {
  /** Name of the storage class to check. */
  readonly storageClassName: string;
}

export class StorageClassGuard extends Construct {
  public readonly resource: DataKubernetesStorageClassV1;
  /** Fails the plan unless the class exists and retains its volumes. */
  public readonly retains: Precondition;

  constructor(scope: Construct, id: string, props: StorageClassGuardProps) {
    super(scope, id);
    this.resource = new DataKubernetesStorageClassV1(this, "Resource", {
      metadata: { name: props.storageClassName },
    });
    this.retains = {
      condition: Op.eq(this.resource.reclaimPolicy, "Retain"),
      errorMessage: `Storage class "${props.storageClassName}" must exist with reclaimPolicy Retain, so that deleting a claim never deletes its data (docs/architecture.md, "Data safety").`,
    };
  }
}
