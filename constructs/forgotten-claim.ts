/**
 * ForgottenClaim: a claim the stack stops managing without deleting it: a
 * Terraform `removed` block with `lifecycle { destroy = false }` for the
 * address the claim's DataVolume had, so the next apply drops it from the
 * state and the PersistentVolumeClaim, its volume and data stay in the
 * cluster for an operator to reclaim by hand (docs/backups.md,
 * "Existing backup claims"). Used for a backup claim whose sets `sei-infra backups
 * migrate-claim` moved into the backup store.
 *
 * The address is computed from the same construct path the DataVolume had
 * (`<id>/Resource`), so it is exactly the one in the state.
 */
import { Construct, PersistentVolumeClaimV1, type TerraformStack } from "../runtime/cdktf.ts";

export class ForgottenClaim extends Construct {
  /** The address the `removed` block names. */
  public readonly address: string;

  constructor(stack: TerraformStack, id: string) {
    super(stack, id);
    const resource = new Construct(this, "Resource");
    this.address = `${PersistentVolumeClaimV1.tfResourceType}.${stack.getLogicalId(resource.node)}`;
    stack.addOverride("removed", [{ from: this.address, lifecycle: { destroy: false } }]);
  }
}
