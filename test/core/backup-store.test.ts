/**
 * The off-site backup store in platform.yaml and the plan: every name and size
 * of a municipality's repository resolved once; a store with the mistakes people
 * make refused at its line; and no plan dropping the backup claim of an instance
 * deployed before its cluster had a store.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFleet } from "../../core/load-fleet.ts";
import { validateBytes } from "../../core/load/index.ts";
import { hasOffsiteBackups } from "../../core/plan.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import { platformSchema } from "../../core/schema/platform.ts";
import { exampleMunicipality } from "../../scripts/lib/example-plan.ts";
import { lines, overlay, repo, REPO_ROOT, TIRADENTES } from "../load/support.ts";
import { platformYamlWithStore } from "../backups/support.ts";

const PLATFORM = readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8");

/** platform.yaml with a backup store on its first cluster (prodemge-bh-1, the default). */
const withStore = (lines: readonly string[] = STORE) => platformYamlWithStore(lines);

const STORE = [
  "backupStore:",
  "  endpoint: https://s3.dr.prodemge.mg.gov.br:7070",
  "  region: us-east-1",
  "  bucket: sei-backups-bh-1",
  "  cidr: 10.60.0.10/32",
  "  adminCredentialEnv: { accessKeyId: SEI_BACKUP_ADMIN_KEY_ID, secretAccessKey: SEI_BACKUP_ADMIN_SECRET }",
];

function platformOf(text: string) {
  const loaded = validateBytes(Buffer.from(text), "platform.yaml", platformSchema);
  return { problems: lines(loaded.diagnostics), value: loaded.value };
}

function planWith(text: string, legacyBackupVolume?: boolean) {
  const fleet = loadFleet({ source: repo });
  const platform = platformOf(text).value!;
  const municipality = exampleMunicipality({ tier: "medio" });
  const marked =
    legacyBackupVolume === undefined
      ? municipality
      : { ...municipality, spec: { ...municipality.spec, legacyBackupVolume } };
  return planInstance({ municipality: marked, tier: fleet.tiers.get("medio")!, platform, sourceFile: "test" });
}

describe("the backup store in the plan", () => {
  it("resolves the repository, the user, the egress and the tier's retention", () => {
    const plan = planWith(withStore());
    expect(plan.backupStore).toEqual({
      secretName: "sei-backup-store",
      endpoint: "https://s3.dr.prodemge.mg.gov.br:7070",
      region: "us-east-1",
      bucket: "sei-backups-bh-1",
      prefix: "exemplo",
      repository: "s3:https://s3.dr.prodemge.mg.gov.br:7070/sei-backups-bh-1/exemplo",
      user: "sei-backup-exemplo",
      ca: null,
      egress: { cidr: "10.60.0.10/32", port: 7070 },
      retention: { daily: 14, weekly: 8, monthly: 12 },
      // One deduplicated copy of the database and documents room, and a quarter for history.
      objectStorageBytes: 1.25 * (plan.volumes.database.storageBytes + plan.volumes.documents.storageBytes),
      adminCredentialEnv: { accessKeyId: "SEI_BACKUP_ADMIN_KEY_ID", secretAccessKey: "SEI_BACKUP_ADMIN_SECRET" },
    });
    expect(plan.network.edges.filter((e) => e.egress === "backupStoreEgress")).toEqual([
      {
        from: { kind: "pods", components: ["backup"] },
        to: { kind: "addresses", name: "backup store", cidr: "10.60.0.10/32" },
        port: 7070,
        protocols: ["TCP"],
        egress: "backupStoreEgress",
      },
    ]);
    expect(plan.network.policyNames.backupStoreEgress).toBe("allow-backup-store-egress");
  });

  it("gives a new instance no backup claim, keeps a marked one's, and the quota follows", () => {
    const bare = planWith(withStore());
    const kept = planWith(withStore(), true);
    const without = planWith(PLATFORM);
    expect(bare.volumes.backup).toBeNull();
    expect(kept.volumes.backup).toEqual(without.volumes.backup);
    expect(without.backupStore).toBeNull();
    expect(without.network.edges.some((e) => e.egress === "backupStoreEgress")).toBe(false);
    expect(kept.quota.persistentVolumeClaims - bare.quota.persistentVolumeClaims).toBe(1);
    expect(kept.quota.storageBytes - bare.quota.storageBytes).toBe(without.volumes.backup!.storageBytes);
  });

  it("tells which instances have off-site backups: production instances on a cluster with a store", () => {
    expect(hasOffsiteBackups(planWith(withStore()))).toBe(true);
    expect(hasOffsiteBackups(planWith(PLATFORM))).toBe(false);
    const fleet = loadFleet({ source: repo });
    const training = planInstance({
      municipality: exampleMunicipality({ tier: "medio", phase: "training" }),
      tier: fleet.tiers.get("medio")!,
      platform: platformOf(withStore()).value!,
      sourceFile: "test",
    });
    expect([training.backupStore === null, hasOffsiteBackups(training)]).toEqual([false, false]);
  });

  it("takes the port of https when the endpoint names none", () => {
    const text = withStore(STORE.map((l) => l.replace(":7070", "")));
    expect(planWith(text).backupStore?.egress.port).toBe(443);
  });
});

describe("a backup store with mistakes, refused at its line", () => {
  const at = (from: string, to: string) =>
    platformOf(withStore(STORE.map((line) => (line.trimStart().startsWith(from) ? line.replace(/:.*$/, to) : line))))
      .problems;

  it("passes the good one", () => {
    expect(platformOf(withStore()).problems).toEqual([]);
  });

  it("wants https: backups leave the cluster", () => {
    expect(at("endpoint", ": http://s3.dr.prodemge.mg.gov.br")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:19 spec\.clusters\[0\]\.backupStore\.endpoint: must be an https URL of a host and an optional port/,
      ),
    ]);
    expect(at("endpoint", ": https://s3.example.org/bucket")).toHaveLength(1);
  });

  it("refuses every address and the cluster's own networks as the store's", () => {
    expect(at("cidr", ": 0.0.0.0/0")).toEqual([
      expect.stringMatching(/^error platform\.yaml:\d+:15 spec\.clusters\[0\]\.backupStore\.cidr: is every address/),
    ]);
    expect(at("cidr", ": 10.244.3.0/24")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:15 spec\.clusters\[0\]\.backupStore\.cidr: covers the cluster's own network 10\.244\.0\.0\/16/,
      ),
    ]);
  });

  it("refuses a key written into the file, and a bucket name S3 would refuse", () => {
    expect(at("adminCredentialEnv", ": { accessKeyId: AKIA1, secretAccessKey: wJalrXUtnFEMI/K7MDENG }")).toEqual([
      expect.stringMatching(
        /^error platform\.yaml:\d+:\d+ spec\.clusters\[0\]\.backupStore\.adminCredentialEnv\.secretAccessKey: must be an environment variable name/,
      ),
    ]);
    expect(at("bucket", ": SEI_Backups")).toEqual([
      expect.stringMatching(/spec\.clusters\[0\]\.backupStore\.bucket: must be an S3 bucket name/),
    ]);
  });
});

describe("existing backup claims", () => {
  const compare = (before: string, now: string, file: string) =>
    lines(
      loadFleet({
        source: overlay(repo, { "platform.yaml": now, "m/tiradentes.yaml": file }),
        base: overlay(repo, { "platform.yaml": before, "m/tiradentes.yaml": TIRADENTES }),
        municipalitiesDir: "m",
      }).diagnostics,
    );

  it("refuses a store that would drop a deployed instance's claim, and names the way to keep it", () => {
    expect(compare(PLATFORM, withStore(), TIRADENTES)).toEqual([
      expect.stringMatching(
        /^error m\/tiradentes\.yaml:\d+:\d+ spec: tiradentes: the backup claim sei-backups \(\S+\) would be deleted: .*spec\.legacyBackupVolume: true/,
      ),
    ]);
    const marked = `${TIRADENTES.trimEnd()}\n  legacyBackupVolume: true\n`;
    expect(compare(PLATFORM, withStore(), marked)).toEqual([]);
  });

  it("lets a migrated claim go from the plan: the stack forgets it, the volume stays", () => {
    const kept = `${TIRADENTES.trimEnd()}\n  legacyBackupVolume: true\n`;
    const migrated = `${TIRADENTES.trimEnd()}\n  legacyBackupVolume: migrated\n`;
    const loaded = loadFleet({
      source: overlay(repo, { "platform.yaml": withStore(), "m/tiradentes.yaml": migrated }),
      base: overlay(repo, { "platform.yaml": withStore(), "m/tiradentes.yaml": kept }),
      municipalitiesDir: "m",
    });
    expect(lines(loaded.diagnostics)).toEqual([]);
    const [tiradentes] = loaded.municipalities;
    const plan = planInstance({
      municipality: tiradentes!.municipality,
      tier: loaded.tiers.get(tiradentes!.municipality.spec.tier)!,
      platform: loaded.platform!,
      sourceFile: tiradentes!.file,
    });
    expect(plan.volumes.backup).toBeNull();
    expect(plan.migratedBackupClaim).toBe("sei-backups");
    expect(planWith(withStore(), true).migratedBackupClaim).toBeNull();
  });

  it("refuses any other word than true, false or migrated, at the line", () => {
    const typo = `${TIRADENTES.trimEnd()}\n  legacyBackupVolume: migrate\n`;
    expect(compare(withStore(), withStore(), typo)).toEqual([
      expect.stringMatching(
        /^error m\/tiradentes\.yaml:\d+:\d+ spec\.legacyBackupVolume: must be true, false or "migrated"/,
      ),
    ]);
  });
});

it("keeps the platform file's example store commented out", () => {
  expect(platformOf(PLATFORM).value?.spec.clusters.some((c) => c.backupStore)).toBe(false);
});
