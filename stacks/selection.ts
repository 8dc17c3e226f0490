/**
 * SEI_ONLY: the municipalities to synthesize, so deploying one contract does
 * not synthesize 853 (docs/architecture.md, "Layers and data flow"). `cdktf synth STACK` still runs the
 * whole app, which is why the selection lives in the app.
 *
 * With a selection, only the selected files are validated (the others still
 * count for the fleet rules, such as unique domains): one municipality's
 * broken file never blocks another's deploy.
 */
import type { InstancePlan } from "../core/plan.ts";

/** The names in SEI_ONLY (comma-separated), or undefined when it is unset or blank. */
export function parseOnly(only: string | undefined): string[] | undefined {
  const names = [
    ...new Set(
      (only ?? "")
        .split(",")
        .map((n) => n.trim())
        .filter((n) => n !== ""),
    ),
  ];
  return names.length ? names : undefined;
}

/** Errors for selected names that have no file among `fileNames` (names of the folder's files). */
export function unknownNames(names: readonly string[], fileNames: readonly string[]): string[] {
  const known = fileNames.filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -".yaml".length));
  return names
    .filter((name) => !known.includes(name))
    .map((name) => `SEI_ONLY: no municipality named "${name}" (known: ${known.join(", ") || "none"})`);
}

/**
 * The selected plans in the order named, or errors for selected municipalities
 * that have no plan: nothing is deployed before the contract is on the PNCP.
 */
export function selectPlans(
  plans: readonly InstancePlan[],
  names: readonly string[],
  phaseOf: (name: string) => string | undefined,
): { plans: InstancePlan[]; errors: string[] } {
  const byName = new Map(plans.map((p) => [p.municipality.name, p]));
  const errors = names
    .filter((name) => !byName.has(name))
    .map(
      (name) =>
        `SEI_ONLY: "${name}" is in phase ${phaseOf(name) ?? "unknown"}: nothing is deployed before the contract is published on the PNCP`,
    );
  return { plans: errors.length ? [] : names.map((name) => byName.get(name)!), errors };
}
