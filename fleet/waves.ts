/**
 * Waves of a rollout (docs/architecture.md, "Operating the fleet") and the failure budget that holds
 * the later ones.
 *
 *   --waves canary,10%,50%,rest
 *
 * - `canary`: one municipality per tier and cluster among those selected, one
 *   whose app runs, the smallest by population (fewest people affected if the
 *   change is bad), never one of platform.yaml's `fleet.neverCanary`; or
 *   exactly the stacks --canary names;
 * - `P%`: more stacks, until P % of the selection (rounded up) is in the
 *   waves so far; percentages are cumulative, so `10%,50%` is a tenth, then
 *   up to half;
 * - `rest`: everything left. The last wave must be `rest` (or `100%`), so no
 *   selected stack is silently left out.
 * Stacks join waves in name order; a wave left with nothing to add is dropped
 * (droppedWaves says why).
 */
import { TIER_IDS } from "../core/schema/municipality.ts";
import type { Platform } from "../core/schema/platform.ts";
import { didYouMean } from "../core/load/suggest.ts";
import { STACK_PREFIX } from "../core/rules/no-stack-prefix.ts";
import { UsageError } from "../shell/exit.ts";
import type { FleetStack } from "./selection.ts";

export type WaveStep =
  { readonly kind: "canary" } | { readonly kind: "percent"; readonly percent: number } | { readonly kind: "rest" };

export interface Wave {
  /** The step it came from: "canary", "10%", "rest". */
  readonly name: string;
  readonly stacks: readonly FleetStack[];
}

export const DEFAULT_WAVES = "canary,10%,rest";

export function parseWaves(spec: string): WaveStep[] {
  const words = spec.split(",").map((w) => w.trim());
  const steps = words.map((word): WaveStep => {
    if (word === "canary") return { kind: "canary" };
    if (word === "rest") return { kind: "rest" };
    const percent = /^(\d{1,3}(?:\.\d+)?)%$/.exec(word);
    if (percent && Number(percent[1]) > 0 && Number(percent[1]) <= 100)
      return { kind: "percent", percent: Number(percent[1]) };
    throw new UsageError(`--waves ${spec}: "${word}" is not canary, a percentage from 1% to 100%, or rest`);
  });
  steps.forEach((step, i) => {
    const previous = steps[i - 1];
    if (step.kind === "canary" && i > 0) throw new UsageError(`--waves ${spec}: canary can only be the first wave`);
    if (previous?.kind === "rest" || (previous?.kind === "percent" && previous.percent === 100)) {
      throw new UsageError(`--waves ${spec}: nothing can follow ${words[i - 1]}, which takes every stack left`);
    }
    if (step.kind === "percent" && previous?.kind === "percent" && step.percent <= previous.percent) {
      throw new UsageError(
        `--waves ${spec}: percentages are cumulative and must grow (${previous.percent}% then ${step.percent}%)`,
      );
    }
  });
  const last = steps[steps.length - 1]!;
  if (last.kind !== "rest" && !(last.kind === "percent" && last.percent === 100)) {
    throw new UsageError(
      `--waves ${spec}: the last wave must be rest (or 100%), or some selected stacks would never run`,
    );
  }
  return steps;
}

/** Who may be the canary: --canary names it exactly; platform.yaml's `neverCanary` keeps stacks out of it. */
export interface CanaryChoice {
  /** Stack or municipality names (`sei-x` is a stack name, as with --only), all in the selection. */
  readonly chosen?: readonly string[];
  /** Municipality names that are never chosen as canaries (an explicit --canary still may). */
  readonly never?: readonly string[];
}

/** The canary choice of a run: its --canary names, and platform.yaml's neverCanary. */
export function canaryChoice(chosen: readonly string[] | undefined, platform: Platform): CanaryChoice {
  return { ...(chosen ? { chosen } : {}), never: platform.spec.fleet?.neverCanary ?? [] };
}

/** The waves of a selection; every stack is in exactly one. */
export function planWaves(
  stacks: readonly FleetStack[],
  steps: readonly WaveStep[],
  canary: CanaryChoice = {},
): Wave[] {
  const left = [...stacks].sort(byName);
  const total = stacks.length;
  const chosen = canary.chosen && canary.chosen.length > 0 ? chosenCanaries(left, steps, canary.chosen) : undefined;
  const never = new Set(canary.never ?? []);
  let placed = 0;
  const waves: Wave[] = [];
  for (const step of steps) {
    let members: FleetStack[];
    if (step.kind === "canary") members = chosen ?? canaries(left.filter((s) => !never.has(s.municipality)));
    else if (step.kind === "rest") members = [...left];
    else members = left.slice(0, Math.max(0, Math.ceil((total * step.percent) / 100) - placed));
    for (const stack of members) left.splice(left.indexOf(stack), 1);
    placed += members.length;
    if (members.length > 0) waves.push({ name: waveName(step), stacks: members });
  }
  return waves;
}

/**
 * Why each step of --waves that has no wave was dropped, for the people
 * watching ("50% dropped: the canary already covers 71%"): a canary that
 * large, or close percentages, leave a later share nothing to add.
 */
export function droppedWaves(total: number, steps: readonly WaveStep[], waves: readonly Wave[]): string[] {
  const planned = new Map(waves.map((w) => [w.name, w.stacks.length]));
  const before: string[] = [];
  let placed = 0;
  return steps.flatMap((step) => {
    const name = waveName(step);
    const count = planned.get(name);
    if (count !== undefined) {
      before.push(name);
      placed += count;
      return [];
    }
    if (total === 0) return [];
    if (step.kind === "canary")
      return ["canary dropped: no selected stack may be a canary (platform.yaml neverCanary)"];
    const covered = `${Math.floor((placed * 100) / total)}%`;
    return before.length === 1 && before[0] === "canary"
      ? [`${name} dropped: the canary already covers ${covered}`]
      : [`${name} dropped: the waves before it already cover ${covered}`];
  });
}

/** The stacks --canary names, in canary order; a name not in the selection is a usage error. */
function chosenCanaries(
  stacks: readonly FleetStack[],
  steps: readonly WaveStep[],
  names: readonly string[],
): FleetStack[] {
  if (!steps.some((step) => step.kind === "canary"))
    throw new UsageError(`--canary ${names.join(",")}: --waves ${steps.map(waveName).join(",")} has no canary wave`);
  const found = names.map((name) => {
    const isStack = name.startsWith(STACK_PREFIX);
    const stack = stacks.find((s) => (isStack ? s.name : s.municipality) === name);
    if (stack) return stack;
    const known = stacks.map((s) => (isStack ? s.name : s.municipality));
    throw new UsageError(`--canary ${name}: not a selected municipality or stack${didYouMean(name, known)}`);
  });
  return [...new Set(found)].sort(canaryOrder);
}

function waveName(step: WaveStep): string {
  return step.kind === "percent" ? `${step.percent}%` : step.kind;
}

/**
 * One stack per tier and cluster: one whose app runs (a suspended or
 * decommissioned instance would not show a bad release), else any; the
 * smallest municipality by population among them. Ordered by tier size, then cluster.
 */
function canaries(stacks: readonly FleetStack[]): FleetStack[] {
  const idle = (s: FleetStack) => (s.phase === "suspended" || s.phase === "decommissioned" ? 1 : 0);
  const better = (a: FleetStack, b: FleetStack) => idle(a) - idle(b) || a.population - b.population || byName(a, b);
  const chosen = new Map<string, FleetStack>();
  for (const stack of stacks) {
    const key = `${stack.tier}\u0000${stack.cluster}`;
    const current = chosen.get(key);
    if (!current || better(stack, current) < 0) chosen.set(key, stack);
  }
  return [...chosen.values()].sort(canaryOrder);
}

/** Canaries by tier size, then cluster (then name, for chosen ones of one tier and cluster). */
function canaryOrder(a: FleetStack, b: FleetStack): number {
  return (
    TIER_IDS.indexOf(a.tier) - TIER_IDS.indexOf(b.tier) ||
    byName({ name: a.cluster }, { name: b.cluster }) ||
    byName(a, b)
  );
}

function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** --max-failures: how many failed or refused stacks a rollout tolerates before it holds the later waves. */
export type FailureBudget =
  { readonly kind: "count"; readonly count: number } | { readonly kind: "percent"; readonly percent: number };

export function parseFailureBudget(text: string): FailureBudget {
  const count = /^\d+$/.exec(text);
  if (count) return { kind: "count", count: Number(text) };
  const percent = /^(\d{1,3}(?:\.\d+)?)%$/.exec(text);
  if (percent && Number(percent[1]) <= 100) return { kind: "percent", percent: Number(percent[1]) };
  throw new UsageError(`--max-failures ${text}: give a number of stacks (0, 3) or a percentage of the selection (5%)`);
}

/** The budget as a number of stacks: a percentage of the selection, rounded down. */
export function failuresAllowed(budget: FailureBudget, total: number): number {
  return budget.kind === "count" ? budget.count : Math.floor((total * budget.percent) / 100);
}

export function formatBudget(budget: FailureBudget): string {
  return budget.kind === "count" ? String(budget.count) : `${budget.percent}%`;
}
