/** Only domains PRODEMGE may issue certificates and DNS records for; the list is in platform.yaml. */
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const domainSuffix: FleetRule = {
  id: "domain-suffix",
  description: "spec.domain is a host name under one of platform.yaml's spec.domainSuffixes.",
  check({ municipalities, platform }) {
    if (!platform) return [];
    const suffixes = platform.value.spec.domainSuffixes;
    return municipalities
      .filter((doc) => !suffixes.some((suffix) => doc.value.spec.domain.endsWith(`.${suffix}`)))
      .map((doc) =>
        finding(doc, {
          path: ["spec", "domain"],
          message: `"${doc.value.spec.domain}" is not under an allowed domain suffix (${suffixes.join(", ")}, from platform.yaml); the default is sei.${doc.value.metadata.name}.${suffixes[0]}`,
        }),
      );
  },
};
