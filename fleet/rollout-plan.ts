/**
 * The rollout plan: which stacks go in which wave, before anything runs.
 * `fleet apply --dry-run --report FILE` writes it, and `fleet emit` writes it
 * beside the pipeline it emits, so the final CI job knows every stack that
 * should have reported (a job that never ran leaves no report of its own).
 *
 *   { "waves": [{ "name": "canary", "stacks": ["sei-a", …] }, …],
 *     "stacks": [{ "name": "sei-a", "municipality": "a", "tier": …, "phase": …, "cluster": … }, …],
 *     "maxFailures": "0" }
 */
import { z } from "zod";
import { dnsLabel } from "../core/schema/fields.ts";
import { PHASES, TIER_IDS } from "../core/schema/municipality.ts";
import { waveSchema } from "./report.ts";
import type { Wave } from "./waves.ts";

export const rolloutPlanSchema = z.strictObject({
  waves: z.array(waveSchema),
  stacks: z.array(
    z.strictObject({
      name: dnsLabel(63),
      municipality: dnsLabel(63),
      tier: z.enum(TIER_IDS),
      phase: z.enum(PHASES),
      cluster: dnsLabel(63),
    }),
  ),
  maxFailures: z.string(),
});
export type RolloutPlan = z.output<typeof rolloutPlanSchema>;

export function rolloutPlan(waves: readonly Wave[], maxFailures: string): RolloutPlan {
  return {
    waves: waves.map((w) => ({ name: w.name, stacks: w.stacks.map((s) => s.name) })),
    stacks: waves.flatMap((w) =>
      w.stacks.map(({ name, municipality, tier, phase, cluster }) => ({ name, municipality, tier, phase, cluster })),
    ),
    maxFailures,
  };
}

export function formatRolloutPlan(plan: RolloutPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** The waves as people read them: one line per wave. */
export function formatWaves(waves: readonly Wave[]): string {
  const width = Math.max(...waves.map((w) => w.name.length));
  return waves
    .map(
      (w, i) =>
        `wave ${i + 1} ${w.name.padEnd(width)}  ${String(w.stacks.length).padStart(4)} stack(s): ${w.stacks.map((s) => s.name).join(", ")}`,
    )
    .join("\n");
}
