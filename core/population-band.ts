/**
 * Population bands of the tiers (docs/architecture.md, "Tiers"): whether a population
 * lies in a tier's band, which tier's band holds it, and how a band reads.
 * The fleet rules, the capacity checks, the benchmarks and the test fixtures
 * all ask through these.
 */
import type { Tier } from "./schema/tier.ts";

export type PopulationBand = Tier["spec"]["population"];

/** Inclusive at both ends; a band without a maximum is unbounded. */
export function inBand(population: number, band: PopulationBand): boolean {
  return population >= band.min && (band.max === undefined || population <= band.max);
}

/** The first tier (in the order given) whose band holds the population. */
export function tierForPopulation(population: number, tiers: Iterable<Tier>): Tier | undefined {
  for (const tier of tiers) if (inBand(population, tier.spec.population)) return tier;
  return undefined;
}

/** "20001 to 50000", "900001 or more". */
export function describeBand(band: PopulationBand): string {
  return band.max === undefined ? `${band.min} or more` : `${band.min} to ${band.max}`;
}
