/**
 * Plan amounts as Kubernetes quantity strings, the one rendering of container
 * resources: the Helm values (core/resolve.ts) and the Terraform resources
 * (constructs/) both use it, so a chart pod and a Terraform-made pod of the
 * same size read the same.
 */
import type { ComputeAmount, ComputeResources } from "./plan.ts";
import { formatBytes, formatCpu } from "./quantity.ts";

// Type aliases, not interfaces: provider blocks take `{ [key: string]: string }`, which only a type literal satisfies.
export type RenderedAmount = { cpu: string; memory: string };

/** A container's `resources` block: requests and limits as Kubernetes quantities. */
export type RenderedResources = { requests: RenderedAmount; limits: RenderedAmount };

export function renderAmount(amount: ComputeAmount): RenderedAmount {
  return { cpu: formatCpu(amount.cpuMillicores), memory: formatBytes(amount.memoryBytes) };
}

export function renderResources(resources: ComputeResources): RenderedResources {
  return { requests: renderAmount(resources.requests), limits: renderAmount(resources.limits) };
}
