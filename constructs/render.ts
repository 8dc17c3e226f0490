/**
 * The rendering edge of the constructs: plan numbers become Kubernetes quantity
 * strings (core/render-resources.ts, shared with the Helm values, so a chart pod
 * and a Terraform-made pod of the same size read the same) under Kubernetes'
 * resource names, and text that reaches Terraform is protected from interpolation.
 */
import type { ComputeAmount, ComputeResources } from "../core/plan.ts";
import { renderAmount as renderValuesAmount } from "../core/render-resources.ts";

/** A resource list as Kubernetes names it: `cpu`, `memory`, `ephemeral-storage`. */
export type KubernetesAmount = Readonly<Record<"cpu" | "memory" | "ephemeral-storage", string>>;

export function renderAmount(amount: ComputeAmount): KubernetesAmount {
  const { cpu, memory, ephemeralStorage } = renderValuesAmount(amount);
  return { cpu, memory, "ephemeral-storage": ephemeralStorage };
}

export function renderResources(resources: ComputeResources): { requests: KubernetesAmount; limits: KubernetesAmount } {
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
