/**
 * The rendering edge of the constructs: plan numbers become Kubernetes quantity
 * strings here, and text that reaches Terraform is protected from interpolation.
 */
import { formatBytes, formatCpu } from "../core/quantity.ts";
import type { ComputeAmount, ComputeResources } from "../core/plan.ts";

/** A container's `resources` block: requests and limits as Kubernetes quantities. */
export interface RenderedResources {
  readonly requests: Record<string, string>;
  readonly limits: Record<string, string>;
}

export function renderAmount(amount: ComputeAmount): Record<string, string> {
  return { cpu: formatCpu(amount.cpuMillicores), memory: formatBytes(amount.memoryBytes) };
}

export function renderResources(resources: ComputeResources): RenderedResources {
  return { requests: renderAmount(resources.requests), limits: renderAmount(resources.limits) };
}

/**
 * Text Terraform must take literally (shell scripts, Helm values): `${` and `%{`
 * start Terraform template sequences in any string of the JSON configuration,
 * so they are doubled. A shell `${VAR}` then reaches the pod unchanged.
 */
export function terraformLiteral(text: string): string {
  // Replacement functions: in a replacement string, "$$" would itself mean "$".
  return text.replaceAll("${", () => "$${").replaceAll("%{", () => "%%{");
}
