/**
 * Which stacks a fleet command runs on: the resolved plans of the formalized
 * municipalities, narrowed by --only, --tier, --phase and --cluster. Every
 * name, tier and cluster comes from the plans (core/): nothing is computed
 * here.
 */
import { didYouMean } from "../core/load/index.ts";
import type { InstancePlan } from "../core/plan.ts";
import { PHASES, TIER_IDS, isFormalized, type Phase, type TierId } from "../core/schema/municipality.ts";
import { UsageError } from "../shell/exit.ts";
import { NOT_FORMALIZED } from "../shell/messages.ts";
import { namedPlans, type Naming } from "../shell/names.ts";

/** One stack as the fleet commands see it. */
export interface FleetStack {
  /** The Terraform stack and its folder in the synthesized output: `sei-<municipality>`. */
  readonly name: string;
  readonly municipality: string;
  readonly tier: TierId;
  readonly phase: Phase;
  readonly cluster: string;
  /** Chooses the canary of a tier: the fewest people affected if it goes wrong. */
  readonly population: number;
}

export interface Selection {
  /** Stack or municipality names (`sei-tiradentes` or `tiradentes`), matched exactly: a `sei-` name is a stack name. */
  readonly only?: readonly string[];
  readonly tiers?: readonly string[];
  readonly phases?: readonly string[];
  readonly clusters?: readonly string[];
}

/** --only: stack names (`sei-tiradentes`) and municipality names (`tiradentes`) alike. */
export const ONLY: Naming = { flag: "--only", stacks: true };

export function fleetStack(plan: InstancePlan): FleetStack {
  const m = plan.municipality;
  return {
    name: plan.stackName,
    municipality: m.name,
    tier: m.tier,
    phase: m.phase,
    cluster: plan.cluster.name,
    population: m.population,
  };
}

/**
 * The selected stacks, sorted by name. `clusters` are the cluster names of
 * platform.yaml; `phaseOf` gives the phase of a municipality that has no plan
 * (contracted), for a useful message. Throws UsageError for an unknown
 * name, tier, phase or cluster, and for a selection that matches nothing.
 */
export function selectStacks(
  plans: readonly InstancePlan[],
  selection: Selection,
  context: { readonly clusters: readonly string[]; readonly phaseOf: (municipality: string) => string | undefined },
): FleetStack[] {
  const known = (flag: string, values: readonly string[] | undefined, allowed: readonly string[]) => {
    for (const value of values ?? []) {
      if (!allowed.includes(value))
        throw new UsageError(`${flag} ${value}: not one of ${allowed.join(", ")}${didYouMean(value, allowed)}`);
    }
    return values && values.length > 0 ? new Set(values) : undefined;
  };
  const tiers = known("--tier", selection.tiers, TIER_IDS);
  const phases = known("--phase", selection.phases, PHASES);
  const clusters = known("--cluster", selection.clusters, context.clusters);
  for (const phase of phases ?? []) {
    if (!isFormalized(phase as Phase)) throw new UsageError(`--phase ${phase}: ${NOT_FORMALIZED}`);
  }

  const named =
    selection.only && selection.only.length > 0 ? namedPlans(plans, selection.only, ONLY, context.phaseOf) : plans;
  const stacks = named.map(fleetStack);
  const selected = stacks
    .filter(
      (s) =>
        (!tiers || tiers.has(s.tier)) && (!phases || phases.has(s.phase)) && (!clusters || clusters.has(s.cluster)),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (selected.length === 0)
    throw new UsageError("the selection matches no stack: check --only, --tier, --phase and --cluster");
  return selected;
}
