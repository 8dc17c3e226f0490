/** loadFleet: what is loaded, what is reported, and the plans of the repository's own files. */
import { describe, expect, it } from "vitest";
import { loadFleet, planFleet } from "../../core/load-fleet.ts";
import { formatText } from "../../report/diagnostics/text.ts";
import { DIAMANTINA, edit, fleetOf, lines, overlay, repo, TIRADENTES } from "./support.ts";

describe("loadFleet", () => {
  it("reports every file's problems in one run, sorted by file and line", () => {
    const fleet = fleetOf({
      "tiradentes.yaml": edit(TIRADENTES, "tier:", "tier: big"),
      "diamantina.yaml": edit(DIAMANTINA, "domain:", "domain: Sei.diamantina.mg.gov.br"),
    });
    expect(lines(fleet.diagnostics)).toEqual([
      "error m/diamantina.yaml:15:11 spec.domain: must be lower case",
      "error m/tiradentes.yaml:9:9 spec.tier: must be one of pequeno-i, pequeno-ii, medio, grande, metropole",
    ]);
    expect(fleet.municipalities).toEqual([]);
  });

  it("reports only the given files, but loads the folder for uniqueness", () => {
    const fleet = fleetOf(
      {
        "tiradentes.yaml": TIRADENTES,
        "diamantina.yaml": edit(DIAMANTINA, "tier:", "tier: big"),
        "other.yaml": "broken: [",
      },
      { files: ["m/tiradentes.yaml"] },
    );
    expect(lines(fleet.diagnostics)).toEqual([]);
    expect(fleet.municipalities.map((m) => m.file)).toEqual(["m/tiradentes.yaml"]);
    expect(fleet.checkedFiles.filter((f) => f.startsWith("m/"))).toEqual(["m/tiradentes.yaml"]);
  });

  it("lists platform.yaml, the tiers and the municipality files as checked", () => {
    expect(fleetOf({ "tiradentes.yaml": TIRADENTES }).checkedFiles).toEqual([
      "platform.yaml",
      "tiers/grande.yaml",
      "tiers/medio.yaml",
      "tiers/metropole.yaml",
      "tiers/pequeno-i.yaml",
      "tiers/pequeno-ii.yaml",
      "m/tiradentes.yaml",
    ]);
  });

  it("says a .yml file would be skipped instead of skipping it silently", () => {
    expect(lines(fleetOf({ "tiradentes.yml": TIRADENTES }).diagnostics)).toEqual([
      "error m/tiradentes.yml:0:0 : municipality files end in .yaml; rename to tiradentes.yaml",
    ]);
  });

  it("reports a missing platform.yaml and official list as errors of those files", () => {
    const empty = { label: "empty", read: () => undefined, list: () => [] };
    expect(lines(loadFleet({ source: empty }).diagnostics)).toEqual([
      "error data/ibge/minas-gerais.csv:0:0 : official list of municipalities not found",
      "error platform.yaml:0:0 : file not found",
    ]);
  });

  it("reports a malformed official list on its line", () => {
    const source = overlay(repo, {
      "data/ibge/minas-gerais.csv": "code,name,population\n3100104,Abadia dos Dourados\n",
    });
    expect(lines(loadFleet({ source, municipalitiesDir: "none" }).diagnostics)).toEqual([
      'error data/ibge/minas-gerais.csv:2:1 : official list line is not "code,name,population" with a 7-digit MG code: "3100104,Abadia dos Dourados"',
    ]);
  });

  it("loads the repository's files without a problem and plans every formalized municipality", () => {
    const fleet = loadFleet({ source: repo });
    expect(formatText(fleet.diagnostics, { fileCount: fleet.checkedFiles.length })).toMatch(/^\d+ files valid\n$/);
    const plans = planFleet(fleet);
    const formalized = fleet.municipalities.filter((m) => m.municipality.spec.phase !== "contracted");
    expect(plans.map((p) => p.municipality.sourceFile)).toEqual(formalized.map((m) => m.file));
  });

  it("refuses to plan a fleet with errors", () => {
    expect(() => planFleet(fleetOf({ "x.yaml": TIRADENTES }))).toThrow(/report fleet.diagnostics first/);
  });
});
