/**
 * Images that run a formalized municipality's instance should be pinned by
 * digest: a tag such as mariadb:10.11 moves with every patch release, so two
 * nodes (or a pod restarted tomorrow) can run different builds. A warning,
 * not an error: a platform being set up, or a test cluster with locally built
 * images, runs tag-only images on purpose; `validate --strict` (the CI of a
 * production platform.yaml) turns it into an error.
 */
import { isFormalized } from "../schema/municipality.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const imageDigests: FleetRule = {
  id: "image-digests",
  description: "Once a municipality is formalized, every image of platform.yaml is pinned by digest (a warning).",
  check({ platform, municipalities }) {
    if (!platform) return [];
    const running = municipalities
      .filter((doc) => isFormalized(doc.value.spec.phase))
      .map((doc) => doc.value.metadata.name);
    if (running.length === 0) return [];
    const some =
      running.length > 3 ? `${running.slice(0, 3).join(", ")} and ${running.length - 3} more` : running.join(", ");
    return Object.entries(platform.value.spec.images)
      .filter(([, image]) => image.digest === undefined)
      .map(([name]) =>
        finding(platform, {
          path: ["spec", "images", name],
          at: "key",
          severity: "warning",
          message: `is pinned by tag only while formalized municipalities run it (${some}): add its digest (digest: sha256:…, README "Pinning images by digest") so that every node runs the same build`,
        }),
      );
  },
};
