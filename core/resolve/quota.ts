/**
 * Quota arithmetic: what a set of workloads and volumes adds up to. The
 * namespace ResourceQuota and LimitRange are derived here, and the capacity
 * report sums the very same way (core/capacity/figures.ts imports
 * `sumWorkloads`), so the report cannot disagree with what the quota allows.
 *
 * Ephemeral storage (node-local disk: logs and emptyDir scratch) is in the
 * quota and the limit range like CPU and memory; the capacity report leaves
 * it out: it is each node's own disk, which the scheduler already accounts
 * per node, not a pool of the cluster like the storage classes' volumes.
 */
import type { ComputeAmount, ComputeResources, LimitRangePlan, QuotaPlan, VolumePlan, WorkloadPlan } from "../plan.ts";

/** Sum of resources × replicas, at the minimum or the maximum replica count. */
export function sumWorkloads(workloads: readonly WorkloadPlan[], at: "minReplicas" | "maxReplicas"): ComputeResources {
  const add = (pick: (w: WorkloadPlan) => ComputeAmount) =>
    workloads.reduce(
      (total, w) => ({
        cpuMillicores: total.cpuMillicores + pick(w).cpuMillicores * w[at],
        memoryBytes: total.memoryBytes + pick(w).memoryBytes * w[at],
        ephemeralStorageBytes: total.ephemeralStorageBytes + pick(w).ephemeralStorageBytes * w[at],
      }),
      { cpuMillicores: 0, memoryBytes: 0, ephemeralStorageBytes: 0 },
    );
  return { requests: add((w) => w.resources.requests), limits: add((w) => w.resources.limits) };
}

/** Every pod that can coexist at maximum replicas, and every volume. */
export function quotaFor(workloads: readonly WorkloadPlan[], volumes: readonly VolumePlan[]): QuotaPlan {
  const atMax = sumWorkloads(workloads, "maxReplicas");
  return {
    name: "sei-quota",
    requests: atMax.requests,
    limits: atMax.limits,
    storageBytes: volumes.reduce((sum, v) => sum + v.storageBytes, 0),
    persistentVolumeClaims: volumes.length,
    pods: workloads.reduce((sum, w) => sum + w.maxReplicas, 0),
  };
}

/**
 * Containers we render always set resources; the defaults only catch a stray
 * pod (kubectl run while debugging) and size it like the smallest component.
 * The maximum is the largest container the tier defines.
 */
export function limitRangeFor(workloads: readonly WorkloadPlan[]): LimitRangePlan {
  const all = workloads.map((w) => w.resources);
  const smallest = all.reduce((a, b) => (b.limits.memoryBytes < a.limits.memoryBytes ? b : a));
  return {
    name: "sei-limits",
    defaultRequest: smallest.requests,
    defaultLimit: smallest.limits,
    max: {
      cpuMillicores: Math.max(...all.map((r) => r.limits.cpuMillicores)),
      memoryBytes: Math.max(...all.map((r) => r.limits.memoryBytes)),
      ephemeralStorageBytes: Math.max(...all.map((r) => r.limits.ephemeralStorageBytes)),
    },
  };
}
