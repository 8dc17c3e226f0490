/**
 * What the backups tests share: a project whose platform.yaml gives the cluster a store (the commands' tests), and
 * store plans in a bucket of the test store (the provisioning and pruning tests).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadFleet } from "../../core/load-fleet.ts";
import type { BackupStorePlan } from "../../core/plan.ts";
import type { Tier } from "../../core/schema/tier.ts";
import { backupStoreOf } from "../../core/resolve/backup-store.ts";
import { exampleMunicipality, REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { workingTree } from "../../sources/working-tree.ts";
import type { Versitygw } from "../support/versitygw.ts";

const PLATFORM = readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8");
/** The line of the first cluster the store's lines go before. */
const ANCHOR = "      podCidr: 10.244.0.0/16";

/** The repository's platform.yaml with `lines` (a `backupStore:` block, or nothing) in its first cluster. */
export function platformYamlWithStore(lines: readonly string[]): string {
  if (!PLATFORM.includes(ANCHOR)) throw new Error("platform.yaml changed: update the anchor");
  return PLATFORM.replace(ANCHOR, [...lines.map((line) => `      ${line}`), ANCHOR].join("\n"));
}

/** The `backupStore:` of the test store at `endpoint`, trusting the CA in `caFile`; the key from STORE_ADMIN_*. */
export function storeLines(endpoint: string, caFile: string): string[] {
  return [
    "backupStore:",
    `  endpoint: ${endpoint}`,
    "  region: us-east-1",
    "  bucket: sei-backups-bh-1",
    "  cidr: 10.60.0.10/32",
    "  ca: |",
    ...readFileSync(caFile, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => `    ${line}`),
    "  adminCredentialEnv: { accessKeyId: STORE_ADMIN_ID, secretAccessKey: STORE_ADMIN_SECRET }",
  ];
}

/** A new project folder under `parent`: the repository's tiers and data, that platform.yaml, and tiradentes.yaml. */
export function storeProject(parent: string, lines: readonly string[], tiradentes: string): string {
  const dir = mkdtempSync(join(parent, "project-"));
  for (const folder of ["tiers", "data"]) cpSync(join(REPO_ROOT, folder), join(dir, folder), { recursive: true });
  writeFileSync(join(dir, "platform.yaml"), platformYamlWithStore(lines));
  mkdirSync(join(dir, "municipalities"));
  writeFileSync(join(dir, "municipalities", "tiradentes.yaml"), tiradentes);
  return dir;
}

let pequenoI: Tier | undefined;

/** The store plan of municipality `name` (tier pequeno-i) in `bucket` of the test store. */
export function storePlanOf(store: Versitygw, bucket: string, name: string, objectStorageBytes = 0): BackupStorePlan {
  return backupStoreOf(
    {
      endpoint: store.endpoint,
      region: store.region,
      bucket,
      cidr: "127.0.0.1/32",
      adminCredentialEnv: { accessKeyId: "A", secretAccessKey: "B" },
    },
    exampleMunicipality({ tier: "pequeno-i", name }),
    (pequenoI ??= loadFleet({ source: workingTree(REPO_ROOT) }).tiers.get("pequeno-i")!),
    objectStorageBytes,
  )!;
}
