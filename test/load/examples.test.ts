/** The example files in municipalities/: valid, covering every tier and several phases, with editor support. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFleet } from "../../core/load-fleet.ts";
import { PHASES, TIER_IDS } from "../../core/schema/municipality.ts";
import { REPO_ROOT, repo } from "./support.ts";

const fleet = loadFleet({ source: repo });
const specs = fleet.municipalities.map((m) => m.municipality.spec);

describe("example municipalities", () => {
  it("are all valid", () => {
    expect(fleet.diagnostics).toEqual([]);
  });

  it("cover every tier", () => {
    expect(new Set(specs.map((s) => s.tier))).toEqual(new Set(TIER_IDS));
  });

  it("cover contracted, suspended, decommissioned and at least three other phases", () => {
    const phases = new Set(specs.map((s) => s.phase));
    for (const phase of ["contracted", "suspended", "decommissioned"] as const) expect(phases).toContain(phase);
    expect(phases.size).toBeGreaterThanOrEqual(5);
    expect([...phases].every((p) => PHASES.includes(p))).toBe(true);
  });

  it("include running (formalized, not suspended) municipalities of at least two tiers, for the end-to-end test", () => {
    const running = specs.filter((s) => ["provisioning", "training", "production"].includes(s.phase));
    expect(new Set(running.map((s) => s.tier)).size).toBeGreaterThanOrEqual(2);
  });

  it("mark their contract, PNCP and team data as examples", () => {
    for (const { file, municipality } of fleet.municipalities) {
      expect(readFileSync(join(REPO_ROOT, file), "utf8"), file).toMatch(/^# EXAMPLE: /m);
      for (const person of Object.values(municipality.spec.team)) expect(person.email, file).toMatch(/@example\.org$/);
    }
  });

  it("carry the yaml-language-server schema comment, as do tiers and platform.yaml", () => {
    for (const file of fleet.checkedFiles) {
      const kind = file === "platform.yaml" ? "platform" : file.startsWith("tiers/") ? "tier" : "municipality";
      const relative = file.includes("/") ? "../schema" : "./schema";
      expect(readFileSync(join(REPO_ROOT, file), "utf8").split("\n")[0], file).toBe(
        `# yaml-language-server: $schema=${relative}/${kind}.schema.json`,
      );
    }
  });
});
