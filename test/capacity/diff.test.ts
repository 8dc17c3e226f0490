/**
 * The capacity diff between two commits of a real git repository, one kind of
 * change at a time, with the expected figures worked out from the tier files
 * (test/capacity/expected.ts).
 */
import { describe, expect, it } from "vitest";
import { addFigures, subtractFigures, sumFigures } from "../../core/capacity/figures.ts";
import {
  PEQUENO_I_PRODUCTION,
  PEQUENO_I_PROVISIONING,
  PEQUENO_II_PRODUCTION,
  Gi,
  Mi,
  ZERO,
  figures,
} from "./expected.ts";
import {
  municipalityYaml,
  official,
  type FixtureRepo,
  type MunicipalityFixture,
} from "../../scripts/lib/fleet-repo.ts";
import { repoPerTest } from "./per-test.ts";
import { capacity } from "./run.ts";

const ABADIA: MunicipalityFixture = { official: official("Abadia dos Dourados"), tier: "pequeno-i", sequence: 1 };
const ABAETE: MunicipalityFixture = { official: official("Abaeté"), tier: "pequeno-ii", sequence: 2 };
const ACAIACA: MunicipalityFixture = { official: official("Acaiaca"), tier: "pequeno-i", sequence: 3 };
const ABRE_CAMPO: MunicipalityFixture = {
  official: official("Abre Campo"),
  tier: "pequeno-i",
  phase: "contracted",
  sequence: 4,
};

const newRepo = repoPerTest();

/** Three active municipalities (two pequeno-i, one pequeno-ii) and one contracted, committed. */
function baseRepo(): FixtureRepo {
  const repo = newRepo();
  for (const m of [ABADIA, ABAETE, ACAIACA, ABRE_CAMPO]) repo.municipality(m);
  repo.commit("base");
  return repo;
}

/** Base fleet, by hand: two pequeno-i and one pequeno-ii in production. */
const BASE_ACTIVE = sumFigures([PEQUENO_I_PRODUCTION, PEQUENO_I_PRODUCTION, PEQUENO_II_PRODUCTION]);

describe("capacity diff", () => {
  it("reports nothing when nothing changed, and the figures of both sides", () => {
    const repo = baseRepo();
    const { code, json } = capacity(repo, { base: "HEAD" });
    expect(code).toBe(0);
    expect(json!.changes).toEqual([]);
    expect(json!.totals.delta).toEqual(ZERO);
    expect(json!.head.totals).toEqual({ municipalities: 3, figures: BASE_ACTIVE });
    expect(json!.head.pipeline).toEqual({ municipalities: 1, figures: PEQUENO_I_PROVISIONING });
  });

  it("tier changed: before → after figures, only that municipality, and a population-band warning", () => {
    const repo = baseRepo();
    repo.municipality({ ...ACAIACA, tier: "pequeno-ii" }).commit("acaiaca to pequeno-ii");
    const { code, json, stderr } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(0);
    expect(json!.changes).toHaveLength(1);
    const [change] = json!.changes;
    expect(change).toMatchObject({ name: "acaiaca", reasons: ["tier changed"] });
    expect(change!.before).toMatchObject({ tier: "pequeno-i", status: "active", figures: PEQUENO_I_PRODUCTION });
    expect(change!.after).toMatchObject({ tier: "pequeno-ii", status: "active", figures: PEQUENO_II_PRODUCTION });
    // pequeno-ii − pequeno-i at maximum replicas: CPU 1425m − 875m, memory 5152Mi − 3168Mi; storage 375Gi − 130Gi.
    expect(change!.delta.requests.atMaxReplicas).toEqual({ cpuMillicores: 550, memoryBytes: 1984 * Mi });
    expect(change!.delta.storageBytes.total).toBe(245 * Gi);
    expect(json!.totals.delta).toEqual(change!.delta);
    expect(json!.clusters.find((c) => c.name === "prodemge-bh-1")!.delta).toEqual(change!.delta);
    const tiers = Object.fromEntries(json!.tiers.map((t) => [t.tier, t]));
    expect(tiers["pequeno-i"]!.after.municipalities).toBe(1);
    expect(tiers["pequeno-ii"]!.after).toEqual({
      tier: "pequeno-ii",
      municipalities: 2,
      figures: addFigures(PEQUENO_II_PRODUCTION, PEQUENO_II_PRODUCTION),
    });
    expect(json!.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        file: "municipalities/acaiaca.yaml",
        path: "spec.tier",
        message: expect.stringContaining("3909"),
      }),
    ]);
    expect(stderr).toContain("warning");
  });

  it("override changed: the documents volume grows, and the backup room with it", () => {
    const repo = baseRepo();
    repo
      .municipality({ ...ABAETE, overrides: { documentsStorage: "300Gi" } })
      .commit("abaete needs more room for documents");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(0);
    expect(json!.changes.map((c) => [c.name, c.reasons])).toEqual([["abaete", ["override changed"]]]);
    // 300Gi instead of the tier's 150Gi; a backup set copies the documents, so its volume grows by the same 150Gi; compute unchanged.
    expect(json!.changes[0]!.delta).toEqual(
      figures({
        requests: { min: [0, 0], max: [0, 0] },
        limits: { min: [0, 0], max: [0, 0] },
        storageGi: { database: 0, documents: 150, solr: 0, backup: 150, temp: 0 },
      }),
    );
    expect(json!.totals.after.figures.storageBytes.total).toBe(BASE_ACTIVE.storageBytes.total + 300 * Gi);
  });

  it("tier definition changed: every municipality of the tier, the pipeline one with no fleet delta", () => {
    const repo = baseRepo();
    repo
      .edit("tiers/pequeno-i.yaml", "requests: { cpu: 200m, memory: 512Mi,", "requests: { cpu: 200m, memory: 640Mi,")
      .commit("more app memory");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(0);
    expect(json!.changes.map((c) => [c.name, c.reasons, c.after!.status])).toEqual([
      ["abadia-dos-dourados", ["tier definition changed"], "active"],
      ["abre-campo", ["tier definition changed"], "pipeline"],
      ["acaiaca", ["tier definition changed"], "active"],
    ]);
    // +128Mi per app pod: one pod at the minimum, two (with the surge pod) at the maximum.
    const perInstance = figures({
      requests: { min: [0, 128], max: [0, 2 * 128] },
      limits: { min: [0, 0], max: [0, 0] },
      storageGi: { database: 0, documents: 0, solr: 0, backup: 0, temp: 0 },
    });
    expect(json!.changes[0]!.delta).toEqual(perInstance);
    expect(json!.changes[1]!.delta).toEqual(ZERO);
    expect(json!.changes[1]!.after!.figures.requests.atMaxReplicas.memoryBytes).toBe(
      PEQUENO_I_PROVISIONING.requests.atMaxReplicas.memoryBytes + 256 * Mi,
    );
    expect(json!.totals.delta).toEqual(addFigures(perInstance, perInstance));
    expect(json!.pipeline.delta).toEqual(perInstance);
  });

  it("added and removed municipalities", () => {
    const repo = baseRepo();
    repo.remove("municipalities/acaiaca.yaml");
    repo
      .municipality({ official: official("Águas Formosas"), tier: "pequeno-i", sequence: 5 })
      .commit("one in, one out");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    // The figures are reported; removing a deployed municipality's file is an error (below).
    expect(code).toBe(1);
    expect(json!.changes.map((c) => [c.name, c.reasons])).toEqual([
      ["acaiaca", ["removed"]],
      ["aguas-formosas", ["added"]],
    ]);
    const [removed, added] = json!.changes;
    expect(removed).toMatchObject({ before: { figures: PEQUENO_I_PRODUCTION }, after: null });
    expect(removed!.delta).toEqual(subtractFigures(ZERO, PEQUENO_I_PRODUCTION));
    expect(added).toMatchObject({
      before: null,
      after: { figures: PEQUENO_I_PRODUCTION },
      delta: PEQUENO_I_PRODUCTION,
    });
    expect(json!.totals.delta).toEqual(ZERO);
    // Deleting a deployed municipality's file would leave its stack and volumes unmanaged: refused, with the safe way.
    expect(json!.diagnostics).toEqual([
      {
        severity: "error",
        file: "municipalities/acaiaca.yaml",
        line: 0,
        column: 0,
        path: "",
        message:
          "the file of acaiaca (phase production) is removed: its stack sei-acaiaca would no longer be synthesized, and its namespace, volumes and " +
          'Terraform state would be left unmanaged; set phase decommissioned and deploy it first, then remove the file (see "Renaming or removing a municipality" in docs/validate.md)',
      },
    ]);
  });

  it("removing a decommissioned municipality's file only warns: its volumes are retained, no longer counted", () => {
    const repo = baseRepo();
    repo.municipality({ ...ACAIACA, phase: "decommissioned" }).commit("acaiaca decommissioned");
    repo.remove("municipalities/acaiaca.yaml").commit("acaiaca gone");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(0);
    expect(json!.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        file: "municipalities/acaiaca.yaml",
        message: expect.stringMatching(
          /^acaiaca: the file of a decommissioned municipality is removed; its volumes are retained and keep using 135 GiB of storage/,
        ),
      }),
    ]);
  });

  it("renaming a deployed municipality is an error at its new name: a new, empty instance would be built", () => {
    const repo = baseRepo();
    repo.remove("municipalities/acaiaca.yaml");
    repo
      .write("municipalities/acaiaca-mg.yaml", municipalityYaml(ACAIACA).replace("name: acaiaca", "name: acaiaca-mg"))
      .commit("rename");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    expect(json!.changes.map((c) => [c.name, c.reasons])).toEqual([
      ["acaiaca", ["removed"]],
      ["acaiaca-mg", ["added"]],
    ]);
    // The rename is said once, where the new name is written ("  name: acaiaca-mg", line 4); not again as a removal.
    expect(json!.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "municipalities/acaiaca-mg.yaml",
        path: "metadata.name",
        line: 4,
        column: 9,
      }),
    ]);
    expect(json!.diagnostics[0]!.message).toMatch(
      /^renames acaiaca \(IBGE 3100401, phase production\) to acaiaca-mg: .* keep the name acaiaca \(/,
    );
  });

  it("a deployed municipality back to contracted is an error at its phase: its stack would no longer be synthesized", () => {
    const repo = baseRepo();
    repo.municipality({ ...ACAIACA, phase: "contracted" }).commit("acaiaca back to contracted");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    expect(json!.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "municipalities/acaiaca.yaml",
        path: "spec.phase",
        line: 10,
        column: 10,
      }),
    ]);
    expect(json!.diagnostics[0]!.message).toMatch(
      /^acaiaca goes back from production to contracted: .* set phase decommissioned instead/,
    );
  });

  it("phase changed: a published contract moves from the pipeline into the fleet", () => {
    const repo = baseRepo();
    repo.municipality({ ...ABRE_CAMPO, phase: "provisioning" });
    repo
      .municipality({ ...ABADIA, phase: "training" })
      .commit("abre-campo published on the PNCP; abadia back to training");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(0);
    expect(json!.changes.map((c) => [c.name, c.reasons, c.before!.status, c.after!.status])).toEqual([
      ["abadia-dos-dourados", ["phase changed"], "active", "active"],
      ["abre-campo", ["phase changed"], "pipeline", "active"],
    ]);
    const [abadia, abreCampo] = json!.changes;
    // Out of production: the backup job (100m/128Mi → 500m/256Mi at the maximum) goes.
    expect(abadia!.delta).toEqual(
      figures({
        requests: { min: [0, 0], max: [-100, -128] },
        limits: { min: [0, 0], max: [-500, -256] },
        storageGi: { database: 0, documents: 0, solr: 0, backup: 0, temp: 0 },
      }),
    );
    // Resolved as provisioning while in the pipeline, so its figures do not move; the fleet gains them.
    expect(abreCampo!.before!.figures).toEqual(PEQUENO_I_PROVISIONING);
    expect(abreCampo!.after!.figures).toEqual(PEQUENO_I_PROVISIONING);
    expect(abreCampo!.delta).toEqual(PEQUENO_I_PROVISIONING);
    expect(json!.pipeline.after).toEqual({ municipalities: 0, figures: ZERO });
    expect(json!.totals.delta).toEqual(addFigures(abadia!.delta, PEQUENO_I_PROVISIONING));
  });

  it("a shrinking volume is an error naming the municipality and the volume", () => {
    const repo = baseRepo();
    repo.municipality({ ...ABAETE, overrides: { documentsStorage: "300Gi" } }).commit("grow");
    repo.municipality({ ...ABAETE, overrides: { documentsStorage: "200Gi" } }).commit("shrink");
    const { code, json, stderr } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    // The backup room follows the documents override (pequeno-ii: 180Gi + 300Gi − 150Gi = 330Gi), so it would shrink too.
    expect(json!.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "municipalities/abaete.yaml",
        path: "spec.overrides.documentsStorage",
      }),
      expect.objectContaining({ severity: "error", file: "municipalities/abaete.yaml" }),
    ]);
    expect(json!.diagnostics[0]!.message).toMatch(
      /abaete: volume documents \(claim sei-documents\) would shrink from 300Gi to 200Gi/,
    );
    expect(json!.diagnostics[1]!.message).toMatch(
      /abaete: volume backup \(claim sei-backups\) would shrink from 330Gi to 230Gi/,
    );
    expect(stderr).toMatch(/error: .*abaete: volume documents/);
  });

  it("a smaller tier shrinks every volume: one error each", () => {
    const repo = baseRepo();
    repo.municipality({ ...ABAETE, tier: "pequeno-i" }).commit("abaete to pequeno-i");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    expect(json!.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.split(" (")[0])).toEqual([
      "abaete: volume database",
      "abaete: volume documents",
      "abaete: volume solr",
      "abaete: volume backup",
    ]);
  });

  it("a tier downgrade that keeps every volume with overrides passes, and shows the saving in CPU and memory", () => {
    const repo = baseRepo();
    const keep = { documentsStorage: "150Gi", databaseStorage: "25Gi", solrStorage: "20Gi", backupStorage: "180Gi" };
    repo.municipality({ ...ABAETE, tier: "pequeno-i", population: 19_000, overrides: keep }).commit("abaete down");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(json!.diagnostics).toEqual([]);
    expect(code).toBe(0);
    const [change] = json!.changes;
    expect(change).toMatchObject({ name: "abaete", reasons: ["tier changed", "override changed"] });
    const saving = subtractFigures(PEQUENO_I_PRODUCTION, PEQUENO_II_PRODUCTION);
    expect(change!.delta.requests).toEqual(saving.requests);
    expect(change!.delta.limits).toEqual(saving.limits);
    expect(change!.delta.requests.atMaxReplicas.cpuMillicores).toBeLessThan(0);
    expect(change!.delta.storageBytes.total).toBe(0);
  });

  it("a pipeline municipality may shrink: it has no volume yet", () => {
    const repo = baseRepo();
    repo.municipality({ ...ABRE_CAMPO, tier: "pequeno-ii" }).commit("bigger");
    repo.municipality(ABRE_CAMPO).commit("smaller again");
    expect(capacity(repo, { base: "HEAD~1", head: "HEAD" }).code).toBe(0);
  });

  it("a change that pushes a cluster past its allocatable capacity is an error", () => {
    const repo = baseRepo();
    // prodemge-bh-2 can give 1.5 cores; pequeno-ii asks 1.425 at maximum replicas, pequeno-i 0.875.
    repo.edit(
      "platform.yaml",
      'allocatable: { cpu: "128", memory: 512Gi, storage: 60Ti }',
      "allocatable: { cpu: 1500m, memory: 512Gi, storage: 60Ti }",
    );
    repo.municipality({ ...ABAETE, cluster: "prodemge-bh-2" }).commit("abaete on the small cluster");
    repo.municipality({ ...ABADIA, cluster: "prodemge-bh-2" }).commit("abadia joins it");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    expect(json!.changes.map((c) => [c.name, c.reasons])).toEqual([["abadia-dos-dourados", ["cluster changed"]]]);
    const small = json!.clusters.find((c) => c.name === "prodemge-bh-2")!;
    expect(small.after!.usage.cpuMillicores).toBe(1425 + 875);
    expect(small.after!.overcommitted).toEqual(["cpu"]);
    // (1500 − 2300) / 1500 = −53.3 %
    expect(small.after!.headroomPercent.cpu).toBe(-53.3);
    // Moving a deployed municipality is an error of its own (next test); the overcommit is the other one.
    expect(json!.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "municipalities/abadia-dos-dourados.yaml",
        path: "spec.cluster",
      }),
      expect.objectContaining({
        severity: "error",
        file: "platform.yaml",
        path: "spec.clusters.prodemge-bh-2.allocatable.cpu",
      }),
    ]);
    expect(json!.diagnostics[1]!.message).toContain(
      "cluster prodemge-bh-2: CPU requests at maximum replicas would be 2.3 cores, past the 1.5 cores allocatable (+0.88 cores in this change)",
    );
  });

  it("moving a deployed municipality to another cluster is an error: its volumes stay behind", () => {
    const repo = baseRepo();
    repo.municipality({ ...ABAETE, cluster: "prodemge-bh-2" }).commit("abaete to the second cluster");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    expect(json!.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        file: "municipalities/abaete.yaml",
        path: "spec.cluster",
        line: 16,
        column: 12,
      }), // "  cluster: prodemge-bh-2" in the fixture
    ]);
    expect(json!.diagnostics[0]!.message).toBe(
      "abaete: would move from cluster prodemge-bh-1 to prodemge-bh-2; its database, document, Solr and backup volumes stay on prodemge-bh-1, so the next deploy would start an empty instance. Migrate the data first",
    );
  });

  it("a pipeline municipality may be placed on another cluster: it has no volume yet", () => {
    const repo = baseRepo();
    repo
      .municipality({ ...ABRE_CAMPO, cluster: "prodemge-bh-2" })
      .commit("abre campo will start on the second cluster");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(0);
    expect(json!.diagnostics.filter((d) => d.path === "spec.cluster")).toEqual([]);
  });

  it("an overcommitted cluster that this change does not grow is only a warning", () => {
    const repo = baseRepo();
    repo
      .edit(
        "platform.yaml",
        'allocatable: { cpu: "256", memory: 1Ti, storage: 100Ti }',
        'allocatable: { cpu: "1", memory: 1Ti, storage: 100Ti }',
      )
      .commit("tiny cluster");
    repo.municipality({ ...ACAIACA, phase: "decommissioned" }).commit("one less running");
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(0);
    expect(json!.diagnostics.map((d) => [d.severity, d.path])).toContainEqual([
      "warning",
      "spec.clusters.prodemge-bh-1.allocatable.cpu",
    ]);
  });

  it("an invalid file in the base revision is reported with the revision's name, exit 1", () => {
    const repo = baseRepo();
    repo.edit("municipalities/acaiaca.yaml", "tier: pequeno-i", "tier: pequenissimo").commit("broken");
    repo.edit("municipalities/acaiaca.yaml", "tier: pequenissimo", "tier: pequeno-i").commit("fixed");
    const { code, json, stderr } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    expect(json).toBeUndefined();
    expect(stderr).toMatch(/^HEAD~1:municipalities\/acaiaca\.yaml:\d+:\d+: error: spec\.tier: /m);
  });
});
