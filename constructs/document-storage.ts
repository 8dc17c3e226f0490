/**
 * DocumentStorage: the document repository (SEI's external-documents folder),
 * the bulk of an instance's data and public records. One ReadWriteMany claim
 * shared by every app replica, the scheduler and the backup (docs/architecture.md, "The SEI instance"),
 * sized by tier or by the municipality's override.
 */
import type { Construct } from "../runtime/cdktf.ts";
import type { VolumePlan } from "../core/plan.ts";
import { DataVolume, type DataVolumeProps } from "./data-volume.ts";

export interface DocumentStorageProps extends DataVolumeProps {
  /** The documents volume of the plan: kind `documents`, ReadWriteMany. */
  readonly volume: VolumePlan & { readonly kind: "documents" };
}

export class DocumentStorage extends DataVolume {
  constructor(scope: Construct, id: string, props: DocumentStorageProps) {
    if (props.volume.accessMode !== "ReadWriteMany") {
      throw new Error(
        `DocumentStorage ${props.volume.claimName}: access mode is ${props.volume.accessMode}; the document repository is shared by every app replica and needs ReadWriteMany`,
      );
    }
    super(scope, id, props);
  }
}
