/**
 * The tier follows the municipality's population (docs/architecture.md, "Tiers"). A
 * mismatch is a warning, not an error: a municipality may knowingly buy a
 * larger tier, or outgrow its band between censuses. `--strict` makes it an error.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { describeBand, inBand, tierForPopulation } from "../population-band.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const populationBand: FleetRule = {
  id: "population-band",
  description:
    "spec.population lies in the population band of spec.tier (a warning; an error with --strict); the tier has a file in tiers/.",
  check({ municipalities, tiers }) {
    if (tiers.length === 0) return [];
    const diagnostics: Diagnostic[] = [];
    for (const doc of municipalities) {
      const { tier: tierId, population } = doc.value.spec;
      const tier = tiers.find((t) => t.value.metadata.name === tierId)?.value;
      if (!tier) {
        diagnostics.push(
          finding(doc, { path: ["spec", "tier"], message: `tier "${tierId}" has no valid file tiers/${tierId}.yaml` }),
        );
        continue;
      }
      if (inBand(population, tier.spec.population)) continue;
      const fitting = tierForPopulation(
        population,
        tiers.map((t) => t.value),
      )?.metadata.name;
      diagnostics.push(
        finding(doc, {
          path: ["spec", "population"],
          severity: "warning",
          message: `${population} is outside the band of tier ${tierId} (${describeBand(tier.spec.population)} inhabitants)${fitting ? `; tier ${fitting} fits` : ""}`,
        }),
      );
    }
    return diagnostics;
  },
};
