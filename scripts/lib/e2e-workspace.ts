/**
 * Workspaces for runs against the local control plane (scripts/e2e/cluster.sh):
 * a copy of the project, as a platform engineer's checkout would be, whose
 * platform.yaml points at the local API server. Shared by the end-to-end suite
 * and the fleet benchmark.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { slugOf } from "../../core/ibge.ts";
import { REPO_ROOT } from "./example-plan.ts";
import type { Phase, TierId } from "../../core/schema/municipality.ts";
import { fittingTier, municipalityYaml, official, officialList } from "./fleet-repo.ts";

/** What a deploy needs from the project: code, chart, tiers, data; municipalities are chosen per workspace. */
export const PROJECT_ENTRIES = [
  "cdktf.json",
  "providers.lock.hcl",
  "package.json",
  "tsconfig.json",
  "core",
  "sources",
  "report",
  "runtime",
  "constructs",
  "stacks",
  // The synthesis imports shell/ (exit codes, messages, openFleet).
  "shell",
  "charts",
  "tiers",
  "data",
];

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

/** The five claims of an instance (core/resolve/volumes.ts names them); the last two are ReadWriteMany. */
export const DATA_CLAIMS = ["sei-database-data", "sei-solr-data", "sei-backups", "sei-documents", "sei-temp"] as const;
const SHARED_CLAIMS: readonly string[] = ["sei-documents", "sei-temp"];

/** The folder on this machine that holds a municipality's volume: pods on the node see it as the claim. */
export function volumePath(municipality: string, claim: string): string {
  return join(requireEnv("SEI_E2E_WORK"), "volumes", municipality, claim);
}

/**
 * Storage the platform would provide: Retain classes that allow expansion, and volumes pre-bound to each claim.
 * The volumes are folders of this run's work dir (pods do run on the node: no run may see another's data),
 * open to every uid, since Kubernetes applies no fsGroup to hostPath volumes.
 */
export function storageManifest(municipalities: readonly string[]): string {
  const volumes = municipalities.flatMap((name) =>
    DATA_CLAIMS.map((claim) => {
      const shared = SHARED_CLAIMS.includes(claim);
      const path = volumePath(name, claim);
      mkdirSync(path, { recursive: true });
      chmodSync(path, 0o777);
      return `apiVersion: v1
kind: PersistentVolume
metadata: { name: sei-${name}-${claim} }
spec:
  capacity: { storage: 100Ti }
  accessModes: [${shared ? "ReadWriteMany" : "ReadWriteOnce"}]
  storageClassName: ${shared ? STORAGE_CLASSES.readWriteMany : STORAGE_CLASSES.readWriteOnce}
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: ${path}, type: Directory }
  claimRef: { namespace: sei-${name}, name: ${claim} }`;
    }),
  );
  return [...storageClassManifests(), ...volumes].join("\n---\n");
}

/**
 * Volumes of the ReadWriteOnce class bound to no claim, as a dynamic provisioner would offer them: a
 * claim whose namespace is named at run time (a restore drill's scratch namespace) binds to one of
 * them. Folders of this run's work dir, open to every uid as storageManifest's are. Released ones
 * are never reused (Retain): delete them with `kubectl delete persistentvolume NAME…`.
 */
export function spareVolumesManifest(names: readonly string[]): string {
  return names
    .map((name) => {
      const path = join(requireEnv("SEI_E2E_WORK"), "volumes", "spare", name);
      mkdirSync(path, { recursive: true });
      chmodSync(path, 0o777);
      return `apiVersion: v1
kind: PersistentVolume
metadata: { name: ${name} }
spec:
  capacity: { storage: 100Ti }
  accessModes: [ReadWriteOnce]
  storageClassName: ${STORAGE_CLASSES.readWriteOnce}
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: ${path}, type: Directory }`;
    })
    .join("\n---\n");
}

/**
 * A copy of the project with platform.yaml set for the local control plane:
 * its kubeconfig under each cluster name given, the pg state backend, the
 * storage classes above, and no waiting for workloads (the SEI images of
 * platform.yaml are not on the local node, so those pods never start). `municipalities` are copied from the
 * repository's examples. The state is not encrypted unless asked (`stateEncryption`): either engine can
 * then run the workspace without a passphrase (test/e2e/state-encryption.test.ts asks). `from` is
 * another revision's tree (scripts/lib/revision-checkout.ts): the workspace then has its code and
 * data, the entries of PROJECT_ENTRIES it holds.
 */
export function createWorkspace(
  municipalities: readonly string[],
  clusters: readonly string[] = ["e2e"],
  options: { stateEncryption?: boolean; into?: string; from?: string } = {},
): string {
  const { into, from = REPO_ROOT } = options;
  const dir = into ?? mkdtempSync(join(tmpdir(), "sei-e2e-ws-"));
  if (into) {
    rmSync(into, { recursive: true, force: true });
    mkdirSync(into, { recursive: true });
  }
  for (const entry of PROJECT_ENTRIES.filter((e) => existsSync(join(from, e))))
    cpSync(join(from, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  mkdirSync(join(dir, "municipalities"), { recursive: true });
  for (const name of municipalities) {
    cpSync(join(from, "municipalities", `${name}.yaml`), join(dir, "municipalities", `${name}.yaml`));
  }
  const platform = parseDocument(readFileSync(join(from, "platform.yaml"), "utf8"));
  platform.setIn(["spec", "defaultCluster"], clusters[0]);
  platform.setIn(
    ["spec", "clusters"],
    clusters.map((name) => ({
      name,
      kubeconfig: { path: requireEnv("KUBECONFIG"), context: "sei-e2e" },
      allocatable: { cpu: "64", memory: "256Gi", storage: "100Ti" },
      // scripts/e2e/node.sh: each node's pods in 10.214.<slot>.0/24, services in 10.0.0.0/24.
      podCidr: "10.214.0.0/16",
      serviceCidr: "10.0.0.0/24",
    })),
  );
  platform.setIn(["spec", "storageClasses"], { ...STORAGE_CLASSES });
  platform.setIn(["spec", "stateBackend"], { type: "pg", connectionStringEnv: "PG_CONN_STR" });
  platform.setIn(["spec", "deploy", "waitForWorkloads"], false);
  if (!options.stateEncryption) platform.deleteIn(["spec", "stateEncryption"]);
  writeFileSync(join(dir, "platform.yaml"), platform.toString());
  return dir;
}

/** Sets `key` of every cluster entry of the workspace's platform.yaml to `value`. */
function setOnEveryCluster(dir: string, key: string, value: object): void {
  const file = join(dir, "platform.yaml");
  const platform = parseDocument(readFileSync(file, "utf8"));
  const clusters = platform.getIn(["spec", "clusters"]) as { items: unknown[] };
  clusters.items.forEach((_, index) => platform.setIn(["spec", "clusters", index, key], { ...value }));
  writeFileSync(file, platform.toString());
}

/** Makes `directory` (platform.yaml's directory: url, type, baseDn, …) the directory of every cluster of the workspace. */
export function useDirectory(dir: string, directory: object): void {
  setOnEveryCluster(dir, "directory", directory);
}

/** The bucket of the local cluster's backup store: `sei-infra backups provision` creates it. */
export const E2E_BACKUP_BUCKET = "sei-backups-e2e";

/**
 * Makes the local cluster's off-site backup store (scripts/e2e/backup-store.sh: a versitygw on this
 * machine, outside the cluster) the `backupStore` of every cluster of the workspace, from what
 * `cluster.sh env` exports: its endpoint, the cidr of its address, the test CA of its certificate,
 * and the administrator's key in the variables named here, as an operator's environment holds it.
 */
export function useBackupStore(dir: string): void {
  setOnEveryCluster(dir, "backupStore", {
    endpoint: requireEnv("SEI_E2E_BACKUP_STORE_ENDPOINT"),
    region: "us-east-1",
    bucket: E2E_BACKUP_BUCKET,
    cidr: requireEnv("SEI_E2E_BACKUP_STORE_CIDR"),
    ca: readFileSync(requireEnv("SEI_E2E_BACKUP_STORE_CA"), "utf8"),
    adminCredentialEnv: {
      accessKeyId: "SEI_BACKUP_ADMIN_ACCESS_KEY_ID",
      secretAccessKey: "SEI_BACKUP_ADMIN_SECRET_ACCESS_KEY",
    },
  });
}

/** The images of platform.yaml, in the order of its `images` map, and the local recipe each runs (scripts/e2e/images). */
export const LOCAL_IMAGE_RECIPES = {
  app: "sei-app",
  solr: "solr",
  memcached: "memcached",
  jod: "jod",
  database: "mariadb",
  bootstrap: "sei-bootstrap",
} as const;

/** The registry of the local cluster's images: a name no registry answers to (scripts/e2e/images.sh). */
export const LOCAL_REGISTRY = "sei-e2e.local";

/** `sei-e2e.local/NAME:TAG` of a local image recipe, as scripts/e2e/images.sh names it (one source of tags). */
export function localImage(recipe: string): string {
  return execFileSync("bash", [join(REPO_ROOT, "scripts/e2e/images.sh"), "ref", recipe], { encoding: "utf8" }).trim();
}

/** A local image as platform.yaml names one: repository (under the registry) and tag. */
export function localImageReference(recipe: string): { readonly repository: string; readonly tag: string } {
  const ref = localImage(recipe);
  const match = /^([^/]+)\/([^:]+):(.+)$/.exec(ref);
  if (!match || match[1] !== LOCAL_REGISTRY)
    throw new Error(`scripts/e2e/images.sh ref ${recipe} printed "${ref}", not ${LOCAL_REGISTRY}/NAME:TAG`);
  return { repository: match[2]!, tag: match[3]! };
}

export interface RunningWorkspaceOptions {
  /** Where pods may send mail: this machine's address on the node network (SEI_E2E_HOST_IP) and a port listening there. */
  readonly mail: { readonly host: string; readonly port: number };
  /**
   * Tiers whose JOD is turned on in this workspace only (the real pequeno tiers run none), so
   * that one small instance exercises every dependency SEI has.
   */
  readonly jodOn?: readonly string[];
  /** The folder to write it to (replaced). @default a new temporary folder */
  readonly into?: string;
  /**
   * false: a deploy neither waits for rollouts nor runs the release's hooks (no first install), though
   * the pods do start on the local images. @default true
   */
  readonly waitForWorkloads?: boolean;
}

/**
 * A workspace whose instances run: deploy.waitForWorkloads is true unless asked (Terraform and Helm wait for
 * rollouts, the first-install and updater hooks run), every image of platform.yaml is a local one
 * built by scripts/e2e/images.sh (the stand-in app, NOT SEI; the bootstrap with the reference-dump
 * FIXTURE; real MariaDB and memcached; the Solr and JOD stand-ins), no pull secret, and the mail
 * relay is the given host and port.
 */
export function createRunningWorkspace(municipalities: readonly string[], options: RunningWorkspaceOptions): string {
  const dir = createWorkspace(municipalities, ["e2e"], { into: options.into });
  const file = join(dir, "platform.yaml");
  const platform = parseDocument(readFileSync(file, "utf8"));
  platform.setIn(["spec", "deploy", "waitForWorkloads"], options.waitForWorkloads ?? true);
  platform.setIn(["spec", "registry"], LOCAL_REGISTRY);
  platform.deleteIn(["spec", "imagePullSecret"]);
  for (const [image, recipe] of Object.entries(LOCAL_IMAGE_RECIPES))
    platform.setIn(["spec", "images", image], localImageReference(recipe));
  platform.setIn(["spec", "mail"], {
    host: options.mail.host,
    port: options.mail.port,
    security: "",
    cidr: `${options.mail.host}/32`,
  });
  writeFileSync(file, platform.toString());
  for (const tier of options.jodOn ?? []) {
    const tierFile = join(dir, "tiers", `${tier}.yaml`);
    const doc = parseDocument(readFileSync(tierFile, "utf8"));
    doc.setIn(["spec", "jod", "enabled"], true);
    writeFileSync(tierFile, doc.toString());
  }
  return dir;
}

/** Writes a municipality of the official list into a workspace (a valid file; `sequence` keeps its contract ids unique). */
export function addMunicipality(
  dir: string,
  officialName: string,
  tier: TierId,
  phase: Phase,
  sequence: number,
): string {
  const entry = official(officialName);
  const name = slugOf(entry.name);
  writeFileSync(
    join(dir, "municipalities", `${name}.yaml`),
    municipalityYaml({ official: entry, tier, phase, sequence }),
  );
  return name;
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
  options: { stateEncryption?: boolean } = {},
): { dir: string; municipalities: FleetMunicipality[] } {
  const dir = createWorkspace([], FLEET_CLUSTERS, options);
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
    writeFileSync(
      join(dir, "municipalities", `${name}.yaml`),
      municipalityYaml({ official, tier, cluster, sequence: index + 1 }),
    );
    municipalities.push({ name, tier, cluster });
  });
  return { dir, municipalities };
}

/** Makes a workspace a checkout in which `npx sei-infra` runs (what an emitted CI job does). */
export function addCommandLine(dir: string): void {
  for (const entry of COMMAND_LINE_ENTRIES) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
}

/** What `sei-infra` needs beyond PROJECT_ENTRIES (test/scripts/e2e-workspace.test.ts checks the import graph). */
export const COMMAND_LINE_ENTRIES = ["bin", "cli", "commands", "fleet", "restore", "backups"];
