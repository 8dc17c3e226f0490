/** The fleet report of a working tree: per municipality, tier, cluster, fleet and pipeline, by hand. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumFigures } from "../../core/capacity/figures.ts";
import { Gi, Mi, PEQUENO_I_PRODUCTION, PEQUENO_I_PROVISIONING, PEQUENO_II_PRODUCTION, ZERO } from "./expected.ts";
import { FixtureRepo, official } from "../../scripts/lib/fleet-repo.ts";
import { capacity, type ReportJson } from "./run.ts";

let repo: FixtureRepo;
let json: ReportJson;
let code: number;

beforeAll(() => {
  repo = new FixtureRepo();
  repo.municipality({ official: official("Abadia dos Dourados"), tier: "pequeno-i", sequence: 1 });
  repo.municipality({ official: official("Abaeté"), tier: "pequeno-ii", sequence: 2 });
  repo.municipality({ official: official("Acaiaca"), tier: "pequeno-i", sequence: 3, cluster: "prodemge-bh-2" });
  repo.municipality({ official: official("Abre Campo"), tier: "pequeno-i", phase: "contracted", sequence: 4 });
  const run = capacity<ReportJson>(repo);
  code = run.code;
  json = run.json!;
});

afterAll(() => repo.dispose());

describe("capacity report", () => {
  it("gives each municipality the figures of its tier and phase", () => {
    expect(code).toBe(0);
    expect(json.mode).toBe("report");
    const rows = Object.fromEntries(json.report.municipalities.map((m) => [m.name, m]));
    expect(Object.keys(rows)).toEqual(["abadia-dos-dourados", "abaete", "abre-campo", "acaiaca"]);
    expect(rows["abadia-dos-dourados"]).toMatchObject({
      tier: "pequeno-i",
      phase: "production",
      status: "active",
      cluster: "prodemge-bh-1",
      figures: PEQUENO_I_PRODUCTION,
    });
    expect(rows["abaete"]).toMatchObject({ status: "active", figures: PEQUENO_II_PRODUCTION });
    expect(rows["acaiaca"]).toMatchObject({ cluster: "prodemge-bh-2", figures: PEQUENO_I_PRODUCTION });
    // Contracted: pipeline, resolved as it will be once published (provisioning: no backup job).
    expect(rows["abre-campo"]).toMatchObject({
      phase: "contracted",
      status: "pipeline",
      figures: PEQUENO_I_PROVISIONING,
    });
    // The arithmetic of expected.ts, spelled out once: pequeno-i in production asks 875m and 3168Mi at most.
    expect(PEQUENO_I_PRODUCTION.requests.atMaxReplicas).toEqual({ cpuMillicores: 875, memoryBytes: 3168 * Mi });
    expect(PEQUENO_I_PRODUCTION.storageBytes.total).toBe(135 * Gi);
  });

  it("sums active municipalities per tier and for the fleet; the pipeline apart", () => {
    const tiers = Object.fromEntries(json.report.tiers.map((t) => [t.tier, t]));
    expect(json.report.tiers.map((t) => t.tier)).toEqual(["pequeno-i", "pequeno-ii", "medio", "grande", "metropole"]);
    expect(tiers["pequeno-i"]).toEqual({
      tier: "pequeno-i",
      municipalities: 2,
      figures: sumFigures([PEQUENO_I_PRODUCTION, PEQUENO_I_PRODUCTION]),
    });
    expect(tiers["pequeno-ii"]).toEqual({ tier: "pequeno-ii", municipalities: 1, figures: PEQUENO_II_PRODUCTION });
    expect(tiers["medio"]).toEqual({ tier: "medio", municipalities: 0, figures: ZERO });
    expect(json.report.totals).toEqual({
      municipalities: 3,
      figures: sumFigures([PEQUENO_I_PRODUCTION, PEQUENO_I_PRODUCTION, PEQUENO_II_PRODUCTION]),
    });
    expect(json.report.pipeline).toEqual({ municipalities: 1, figures: PEQUENO_I_PROVISIONING });
  });

  it("sets each cluster against its allocatable capacity", () => {
    const [bh1, bh2] = json.report.clusters;
    // prodemge-bh-1: abadia (pequeno-i) + abaete (pequeno-ii) = 875m + 1425m, 3168Mi + 5152Mi, 135Gi + 380Gi,
    // against 256 cores, 1Ti and 100Ti.
    expect(bh1).toMatchObject({
      name: "prodemge-bh-1",
      municipalities: 2,
      usage: { cpuMillicores: 2300, memoryBytes: 8320 * Mi, storageBytes: 515 * Gi },
      allocatable: { cpuMillicores: 256_000, memoryBytes: 1024 * Gi, storageBytes: 100 * 1024 * Gi },
      // (256000 − 2300) / 256000 = 99.10 %; (1048576Mi − 8320Mi) / 1048576Mi = 99.21 %; (102400Gi − 515Gi) / 102400Gi = 99.50 %
      headroomPercent: { cpu: 99.1, memory: 99.2, storage: 99.5 },
      overcommitted: [],
    });
    // prodemge-bh-2: acaiaca alone, 875m of 128 cores: 99.32 %; 3168Mi of 512Gi: 99.40 %; 135Gi of 60Ti: 99.78 %.
    expect(bh2).toMatchObject({
      name: "prodemge-bh-2",
      municipalities: 1,
      headroomPercent: { cpu: 99.3, memory: 99.4, storage: 99.8 },
    });
    expect(json.diagnostics).toEqual([]);
  });

  it("warns when a cluster is overcommitted and when a tier does not fit the population", () => {
    const small = new FixtureRepo();
    try {
      small.edit(
        "platform.yaml",
        'allocatable: { cpu: "128", memory: 512Gi, storage: 60Ti }',
        "allocatable: { cpu: 500m, memory: 512Gi, storage: 60Ti }",
      );
      small.municipality({ official: official("Acaiaca"), tier: "pequeno-ii", sequence: 1, cluster: "prodemge-bh-2" });
      const run = capacity<ReportJson>(small);
      expect(run.code).toBe(0);
      expect(run.json!.report.clusters[1]!.overcommitted).toEqual(["cpu"]);
      expect(run.json!.diagnostics.map((d) => [d.severity, d.path])).toEqual([
        ["warning", "spec.clusters.prodemge-bh-2.allocatable.cpu"],
        ["warning", "spec.tier"],
      ]);
      expect(run.json!.diagnostics[1]!.message).toBe(
        "acaiaca: population 3909 is outside the pequeno-ii band (20001 to 50000); its band is pequeno-i",
      );
    } finally {
      small.dispose();
    }
  });
});
