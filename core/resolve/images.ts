/** Container images: every image comes from the platform's private registry (the SEI source is not redistributable). */
import type { Platform } from "../schema/platform.ts";

export type ImageName = keyof Platform["spec"]["images"];

export interface Image {
  /** Registry and repository, without the tag. */
  readonly repository: string;
  readonly tag: string;
}

/** The image of a component, with the registry of platform.yaml. */
export function image(platform: Platform, name: ImageName): Image {
  const { repository, tag } = platform.spec.images[name];
  return { repository: `${platform.spec.registry}/${repository}`, tag };
}

/** "registry/repository:tag", as a container's `image` field takes it. */
export function imageReference({ repository, tag }: Image): string {
  return `${repository}:${tag}`;
}
