/**
 * Plan amounts as Kubernetes quantity strings, the one rendering of container
 * resources: the Helm values (core/resolve/release.ts) and the Terraform resources
 * (constructs/) both use it, so a chart pod and a Terraform-made pod of the
 * same size read the same.
 */
import type { ComputeAmount, ComputeResources } from "./plan.ts";
import { formatBytes, formatCpu } from "./quantity.ts";
import type { RenderedResources } from "./schema/helm-values.ts";

export type { RenderedResources };

/** CPU, memory and ephemeral storage as Kubernetes quantities; the shape the chart's values contract gives requests and limits. */
export type RenderedAmount = RenderedResources["requests"];

export function renderAmount(amount: ComputeAmount): RenderedAmount {
  return {
    cpu: formatCpu(amount.cpuMillicores),
    memory: formatBytes(amount.memoryBytes),
    ephemeralStorage: formatBytes(amount.ephemeralStorageBytes),
  };
}

export function renderResources(resources: ComputeResources): RenderedResources {
  return { requests: renderAmount(resources.requests), limits: renderAmount(resources.limits) };
}
