/**
 * The rendering edge of the constructs: plan numbers become Kubernetes quantity
 * strings (core/render-resources.ts, shared with the Helm values), and text that
 * reaches Terraform is protected from interpolation.
 */
export { renderAmount, renderResources, type RenderedResources } from "../core/render-resources.ts";

/**
 * Text Terraform must take literally (shell scripts, Helm values): `${` and `%{`
 * start Terraform template sequences in any string of the JSON configuration,
 * so they are doubled. A shell `${VAR}` then reaches the pod unchanged.
 */
export function terraformLiteral(text: string): string {
  // Replacement functions: in a replacement string, "$$" would itself mean "$".
  return text.replaceAll("${", () => "$${").replaceAll("%{", () => "%%{");
}
