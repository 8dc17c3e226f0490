/** Container images: every image comes from the platform's private registry (the SEI source is not redistributable). */
import type { Platform } from "../schema/platform.ts";

export type ImageName = keyof Platform["spec"]["images"];

export interface Image {
  /** Registry and repository, without the tag. */
  readonly repository: string;
  readonly tag: string;
  /** "sha256:…" when platform.yaml pins the image, else "" (the chart's values contract has every key). */
  readonly digest: string;
}

/** The image of a component, with the registry of platform.yaml. */
export function image(platform: Platform, name: ImageName): Image {
  const { repository, tag, digest = "" } = platform.spec.images[name];
  return { repository: `${platform.spec.registry}/${repository}`, tag, digest };
}

/**
 * "registry/repository:tag", or "registry/repository:tag@sha256:…" when pinned,
 * as a container's `image` field takes it: the runtime pulls the digest, and
 * the tag stays for people reading the manifest. charts/sei "sei.image" is the same.
 */
export function imageReference({ repository, tag, digest }: Image): string {
  return digest ? `${repository}:${tag}@${digest}` : `${repository}:${tag}`;
}
