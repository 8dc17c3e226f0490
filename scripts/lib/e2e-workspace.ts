/**
 * Workspaces for runs against the local control plane (scripts/e2e/cluster.sh):
 * a copy of the project, as a platform engineer's checkout would be, whose
 * platform.yaml points at the local API server. Shared by the end-to-end suite
 * and the fleet benchmark.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { slugOf } from "../../core/ibge.ts";
import { REPO_ROOT } from "./example-plan.ts";
import { fittingTier, municipalityYaml, officialList } from "./fleet-repo.ts";

/** What a deploy needs from the project: code, chart, tiers, data; municipalities are chosen per workspace. */
export const PROJECT_ENTRIES = ["cdktf.json", "package.json", "tsconfig.json", "core", "sources", "report", "runtime", "constructs", "stacks", "charts", "tiers", "data"];

export const STORAGE_CLASSES = { readWriteOnce: "e2e-rwo", readWriteMany: "e2e-rwx" } as const;

/** The storage classes a platform provides (Retain, expandable), as manifests for `kubectl apply -f -`. */
export function storageClassManifests(): string[] {
  return Object.values(STORAGE_CLASSES).map(
    (name) => `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: ${name} }
provisioner: kubernetes.io/no-provisioner
reclaimPolicy: Retain
allowVolumeExpansion: true
volumeBindingMode: Immediate`,
  );
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end suite with \`npm run test:e2e\``);
  return value;
}

/**
 * A copy of the project with platform.yaml set for the local control plane:
 * its kubeconfig under each cluster name given, the pg state backend, the
 * storage classes above, and no waiting for workloads (the SEI images of
 * platform.yaml are not on the local node, so those pods never start). `municipalities` are copied from the
 * repository's examples. The state is not encrypted unless asked (`stateEncryption`): either engine can
 * then run the workspace without a passphrase (test/e2e/state-encryption.test.ts asks).
 */
export function createWorkspace(municipalities: readonly string[], clusters: readonly string[] = ["e2e"], options: { stateEncryption?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "sei-e2e-ws-"));
  for (const entry of PROJECT_ENTRIES) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  mkdirSync(join(dir, "municipalities"), { recursive: true });
  for (const name of municipalities) {
    cpSync(join(REPO_ROOT, "municipalities", `${name}.yaml`), join(dir, "municipalities", `${name}.yaml`));
  }
  const platform = parseDocument(readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8"));
  platform.setIn(["spec", "defaultCluster"], clusters[0]);
  platform.setIn(
    ["spec", "clusters"],
    clusters.map((name) => ({
      name,
      kubeconfig: { path: requireEnv("KUBECONFIG"), context: "sei-e2e" },
      allocatable: { cpu: "64", memory: "256Gi", storage: "100Ti" },
    })),
  );
  platform.setIn(["spec", "storageClasses"], { ...STORAGE_CLASSES });
  platform.setIn(["spec", "stateBackend"], { type: "pg", connectionStringEnv: "PG_CONN_STR" });
  platform.setIn(["spec", "deploy", "waitForWorkloads"], false);
  if (!options.stateEncryption) platform.deleteIn(["spec", "stateEncryption"]);
  writeFileSync(join(dir, "platform.yaml"), platform.toString());
  return dir;
}

/** Two cluster entries of platform.yaml, both the local API server. */
export const FLEET_CLUSTERS = ["e2e-a", "e2e-b"] as const;

export interface FleetMunicipality {
  readonly name: string;
  readonly tier: string;
  readonly cluster: string;
}

/**
 * A workspace with `counts[tier]` real municipalities of each tier: the first
 * of that tier on the official list (by file name) after `skip[tier]`, so that
 * workspaces on one cluster never share a municipality, alternating between
 * the two cluster entries; all in production.
 */
export function createFleetWorkspace(
  counts: Readonly<Record<string, number>>,
  skip: Readonly<Record<string, number>> = {},
): { dir: string; municipalities: FleetMunicipality[] } {
  const dir = createWorkspace([], FLEET_CLUSTERS);
  const seen: Record<string, number> = {};
  const taken: Record<string, number> = {};
  const municipalities: FleetMunicipality[] = [];
  const list = [...officialList()].sort((a, b) => (slugOf(a.name) < slugOf(b.name) ? -1 : 1));
  list.forEach((official, index) => {
    const tier = fittingTier(official.population);
    seen[tier] = (seen[tier] ?? 0) + 1;
    if (seen[tier] <= (skip[tier] ?? 0) || (taken[tier] ?? 0) >= (counts[tier] ?? 0)) return;
    const cluster = FLEET_CLUSTERS[(taken[tier] ?? 0) % FLEET_CLUSTERS.length]!;
    taken[tier] = (taken[tier] ?? 0) + 1;
    const name = slugOf(official.name);
    writeFileSync(join(dir, "municipalities", `${name}.yaml`), municipalityYaml({ official, tier, cluster, sequence: index + 1 }));
    municipalities.push({ name, tier, cluster });
  });
  return { dir, municipalities };
}

/** Makes a workspace a checkout in which `npx sei-infra` runs (what an emitted CI job does). */
export function addCommandLine(dir: string): void {
  for (const entry of ["bin", "cli", "fleet"]) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
}
