/**
 * The scratch space of the pods Terraform makes (database, backup): their /tmp
 * emptyDir gets everything the container's ephemeral-storage limit allows but
 * room for its own logs (the kubelet rotates logs at 10Mi, five files, by
 * default). Past a sizeLimit the kubelet evicts the pod, so the tier's limit
 * for the component is the scratch it gets. The tier schema and the plan both
 * read it from here.
 */
import { parseBytes } from "./quantity.ts";

export const LOG_ROOM = "64Mi";
export const LOG_ROOM_BYTES = parseBytes(LOG_ROOM);

/** Size limit of the /tmp emptyDir of a container with this ephemeral-storage limit. */
export function scratchBytes(ephemeralStorageLimitBytes: number): number {
  return ephemeralStorageLimitBytes - LOG_ROOM_BYTES;
}
