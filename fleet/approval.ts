/**
 * Nobody applies the fleet by accident: before `fleet apply` touches more than
 * one stack it shows what it will touch (per wave, tier and cluster) and asks
 * on the terminal. Without a terminal to ask on (CI, a script) it needs --yes,
 * which the emitted pipelines pass; one stack (`--only x`) needs neither.
 */
import { UsageError } from "../shell/exit.ts";
import { noTerminalGiveYes } from "../shell/messages.ts";
import type { Wave } from "./waves.ts";

/** Asks a question on the terminal and gives the answer; absent when there is no terminal to ask on. */
export type Ask = (question: string) => Promise<string>;

/** "12 stack(s) in 3 wave(s): canary 4, 50% 2, rest 6; tiers: medio 3, pequeno-i 9; clusters: bh-1 12". */
export function applyCounts(waves: readonly Wave[]): string {
  const stacks = waves.flatMap((w) => w.stacks);
  const count = (key: (s: (typeof stacks)[number]) => string) => {
    const counts = new Map<string, number>();
    for (const s of stacks) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
    return [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => `${name} ${n}`)
      .join(", ");
  };
  const perWave = waves.map((w) => `${w.name} ${w.stacks.length}`).join(", ");
  return `${stacks.length} stack(s) in ${waves.length} wave(s): ${perWave}; tiers: ${count((s) => s.tier)}; clusters: ${count((s) => s.cluster)}`;
}

/** True to go on. Throws UsageError (exit 2) for more than one stack without --yes and without a terminal. */
export async function approveApply(
  waves: readonly Wave[],
  options: { readonly yes: boolean; readonly ask: Ask | undefined; readonly err: (text: string) => void },
): Promise<boolean> {
  const total = waves.reduce((n, w) => n + w.stacks.length, 0);
  if (total <= 1 || options.yes) return true;
  if (!options.ask)
    throw new UsageError(
      `fleet apply would touch ${applyCounts(waves)}; ${noTerminalGiveYes("apply")} (the emitted pipelines do)`,
    );
  options.err(`sei-infra fleet apply: ${applyCounts(waves)}\n`);
  const answer = await options.ask(`Apply these ${total} stacks? Type "yes" to go on: `);
  if (answer.trim().toLowerCase() === "yes") return true;
  options.err("sei-infra fleet apply: not confirmed; nothing was applied\n");
  return false;
}
