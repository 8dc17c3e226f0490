/**
 * SEI_ONLY: the municipalities to synthesize, so deploying one contract does
 * not synthesize 853 (DESIGN.md section 2). `cdktf synth STACK` still runs the
 * whole app, which is why the selection lives in the app.
 */
import type { InstancePlan } from "../core/plan.ts";

export interface Selection {
  readonly plans: readonly InstancePlan[];
  /** Why the selection is refused; empty when it is fine. */
  readonly errors: readonly string[];
}

/**
 * The plans named in `only` (comma-separated municipality names), or all of
 * them when `only` is unset or blank. `known` lists every municipality with a
 * valid file, formalized or not, to tell "no such file" from "nothing to deploy".
 */
export function selectPlans(plans: readonly InstancePlan[], only: string | undefined, known: ReadonlyMap<string, string>): Selection {
  const names = [...new Set((only ?? "").split(",").map((n) => n.trim()).filter((n) => n !== ""))];
  if (names.length === 0) return { plans, errors: [] };
  const byName = new Map(plans.map((p) => [p.municipality.name, p]));
  const errors: string[] = [];
  for (const name of names) {
    if (byName.has(name)) continue;
    const phase = known.get(name);
    errors.push(
      phase
        ? `SEI_ONLY: "${name}" is in phase ${phase}: nothing is deployed before the contract is published on the PNCP`
        : `SEI_ONLY: no municipality named "${name}" (known: ${[...known.keys()].join(", ") || "none"})`,
    );
  }
  return { plans: errors.length ? [] : names.map((n) => byName.get(n)!), errors };
}
