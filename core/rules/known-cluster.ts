/** A municipality may be placed on a named cluster; the name must be one platform.yaml defines. */
import { didYouMean } from "../load/suggest.ts";
import type { Diagnostic } from "../diagnostics.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const knownCluster: FleetRule = {
  id: "known-cluster",
  description: "spec.cluster, when set, names a cluster of platform.yaml.",
  check({ municipalities, platform }) {
    if (!platform) return [];
    const names = platform.value.spec.clusters.map((c) => c.name);
    const diagnostics: Diagnostic[] = [];
    for (const doc of municipalities) {
      const { cluster } = doc.value.spec;
      if (cluster === undefined || names.includes(cluster)) continue;
      diagnostics.push(
        finding(doc, {
          path: ["spec", "cluster"],
          message: `"${cluster}" is not a cluster of platform.yaml (${names.join(", ")})${didYouMean(cluster, names)}`,
        }),
      );
    }
    return diagnostics;
  },
};

export const defaultClusterDefined: FleetRule = {
  id: "default-cluster-defined",
  description: "platform.yaml's spec.defaultCluster is one of its spec.clusters.",
  check({ platform }) {
    if (!platform) return [];
    const { defaultCluster, clusters } = platform.value.spec;
    const names = clusters.map((c) => c.name);
    if (names.includes(defaultCluster)) return [];
    return [
      finding(platform, {
        path: ["spec", "defaultCluster"],
        message: `"${defaultCluster}" is not one of spec.clusters (${names.join(", ")})${didYouMean(defaultCluster, names)}`,
      }),
    ];
  },
};
