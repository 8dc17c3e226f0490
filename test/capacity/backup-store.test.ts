/**
 * Capacity once a cluster gets a backup store: object storage per
 * municipality, tier and cluster, with the assumption stated; new instances
 * without a backup claim; and `capacity --base` refusing a change that would
 * drop an existing instance's claim until its file keeps it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCapacity } from "../../commands/capacity.ts";
import { STORE_BYTES_PER_DATA_BYTE } from "../../core/resolve/backup-store.ts";
import { official, type FixtureRepo, type MunicipalityFixture } from "../../scripts/lib/fleet-repo.ts";
import { Gi, PEQUENO_I_PRODUCTION, PEQUENO_II_PRODUCTION, withStorePods } from "./expected.ts";
import { repoPerTest } from "./per-test.ts";
import { capacity } from "./run.ts";

const ABADIA: MunicipalityFixture = { official: official("Abadia dos Dourados"), tier: "pequeno-i", sequence: 1 };
const ABAETE: MunicipalityFixture = { official: official("Abaeté"), tier: "pequeno-ii", sequence: 2 };
const ACAIACA: MunicipalityFixture = {
  official: official("Acaiaca"),
  tier: "pequeno-i",
  sequence: 3,
  cluster: "prodemge-bh-2",
};
const ABRE_CAMPO: MunicipalityFixture = { official: official("Abre Campo"), tier: "pequeno-i", sequence: 4 };

const STORE = [
  "      backupStore:",
  "        endpoint: https://s3.dr.prodemge.mg.gov.br",
  "        region: us-east-1",
  "        bucket: sei-backups-bh-1",
  "        cidr: 10.60.0.10/32",
  "        adminCredentialEnv: { accessKeyId: ADMIN_ID, secretAccessKey: ADMIN_SECRET }",
].join("\n");

const newRepo = repoPerTest();

/** Three active municipalities, two on prodemge-bh-1, then a store on prodemge-bh-1 and a new municipality there. */
function storeRepo(keepClaims: boolean): FixtureRepo {
  const repo = newRepo();
  for (const m of [ABADIA, ABAETE, ACAIACA]) repo.municipality(m);
  repo.commit("base");
  repo.edit("platform.yaml", "      podCidr: 10.244.0.0/16", `${STORE}\n      podCidr: 10.244.0.0/16`);
  if (keepClaims)
    for (const name of ["abadia-dos-dourados", "abaete"])
      repo.edit(`municipalities/${name}.yaml`, /\n$/, "\n  legacyBackupVolume: true\n");
  repo.municipality(ABRE_CAMPO).commit("prodemge-bh-1 backs up to its store; abre-campo goes live there");
  return repo;
}

/** Object storage of a tier's instance: its database and document room, times the assumption. */
const objectStorage = (f: typeof PEQUENO_I_PRODUCTION) =>
  Math.ceil((f.storageBytes.database + f.storageBytes.documents) * STORE_BYTES_PER_DATA_BYTE);

describe("capacity with a backup store", () => {
  it("shows object storage per municipality and cluster, and gives the new instance no backup claim", () => {
    const repo = storeRepo(true);
    const { code, json, stderr } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(json!.changes.map((c) => c.name).sort()).toEqual(["abadia-dos-dourados", "abaete", "abre-campo"]);
    const after = Object.fromEntries(json!.changes.map((c) => [c.name, c.after!.figures]));
    // The existing instances keep their claims and add their repositories, and the store's pods
    // (pequeno-i's backup container: 100m/128Mi → 500m/256Mi).
    expect(after["abadia-dos-dourados"]).toEqual({
      ...withStorePods(PEQUENO_I_PRODUCTION, { requests: [100, 128], limits: [500, 256] }),
      objectStorageBytes: objectStorage(PEQUENO_I_PRODUCTION),
    });
    expect(after["abaete"]!.storageBytes).toEqual(PEQUENO_II_PRODUCTION.storageBytes);
    // The new one has no claim: its storage is that much smaller, and its backups are in the store.
    expect(after["abre-campo"]!.storageBytes.backup).toBe(0);
    expect(after["abre-campo"]!.storageBytes.total).toBe(
      PEQUENO_I_PRODUCTION.storageBytes.total - PEQUENO_I_PRODUCTION.storageBytes.backup,
    );
    expect(after["abre-campo"]!.objectStorageBytes).toBe(objectStorage(PEQUENO_I_PRODUCTION));
    const clusters = Object.fromEntries(json!.clusters.map((c) => [c.name, c.after!.figures.objectStorageBytes]));
    expect(clusters).toEqual({
      "prodemge-bh-1": 2 * objectStorage(PEQUENO_I_PRODUCTION) + objectStorage(PEQUENO_II_PRODUCTION),
      "prodemge-bh-2": 0,
    });
    expect((json as unknown as { assumptions: unknown }).assumptions).toEqual({ objectStorageBytesPerDataByte: 1.25 });
    expect(objectStorage(PEQUENO_I_PRODUCTION)).toBe(Math.ceil(60 * Gi * 1.25));
  });

  it("states the assumption in the people's formats", () => {
    const repo = storeRepo(true);
    const output = join(repo.root, "capacity.txt");
    const io = { cwd: repo.root, stdout: () => {}, stderr: () => {}, env: {}, colour: false, now: () => new Date() };
    runCapacity({ municipalities: "municipalities", format: "text", output, base: "HEAD~1", head: "HEAD" }, io);
    const text = readFileSync(output, "utf8");
    expect(text).toMatch(
      /Object storage \(off-site backups, not the clusters' storage\) assumes 1\.25 bytes per byte of database and document room/,
    );
    expect(text).toMatch(/Object storage/);
    expect(text).toContain("prodemge-bh-1");
  });

  it("refuses a store that would drop the claims of the instances deployed before it", () => {
    const repo = storeRepo(false);
    const { code, json } = capacity(repo, { base: "HEAD~1", head: "HEAD" });
    expect(code).toBe(1);
    expect(json!.diagnostics.map((d) => [d.severity, d.file])).toEqual([
      ["error", "municipalities/abadia-dos-dourados.yaml"],
      ["error", "municipalities/abaete.yaml"],
    ]);
    expect(json!.diagnostics[0]!.message).toMatch(/backup claim sei-backups \(60Gi\) would be deleted/);
  });
});
