/**
 * The scratch namespace of one restore drill (docs/drills.md), from the instance's plan: every size,
 * image and name comes from it. What it holds:
 *
 * - the namespace, enforcing the restricted Pod Security profile as every instance's does;
 * - a quota that holds exactly the two pods and two claims below;
 * - NetworkPolicies: everything denied, then DNS, the drill Job to the database's port, and the
 *   Job to the store's address and port (the only way out of the cluster);
 * - the Secret `sei-backup-store`, the municipality's own store credential copied from its
 *   namespace (never the administrator's key, which stays on the operator's side), and the
 *   scratch database's generated administrator password;
 * - a MariaDB pod on the instance's image and server settings, with empty sei and sip;
 * - the Job: drill-set.sh builds the newest manifest's set from the store, restore/restore.sh loads
 *   it into the scratch database as a restore loads an instance, drill-check.sh compares.
 *
 * Nothing here touches the instance's namespace; deleting the scratch namespace removes it all.
 */
import { readFileSync } from "node:fs";
import { componentLabels, LABEL, BACKUP_STORE_SECRET, MANAGED_BY } from "../../core/naming.ts";
import { hasOffsiteBackups, type InstancePlan, type NamespacePeer } from "../../core/plan.ts";
import { formatBytes, formatCpu } from "../../core/quantity.ts";
import { renderResources } from "../../constructs/render.ts";
import { storeCredentials } from "../../constructs/backup-store-access.ts";
import { storeJob } from "../../constructs/store-job.ts";
import { plainEnv as env, secretEnv } from "../../constructs/container-env.ts";
import { DATABASE_SERVER_MOUNTS, SERVER_CONFIG_KEY } from "../../constructs/database-scripts.ts";
import { IMAGES, SCRATCH_VOLUMES } from "../../core/image-contract.ts";
import { restrictedContainerSecurityContext, restrictedPodSpec } from "../../core/pod-security.ts";
import { RESTORE_SCRIPTS } from "../../restore/scripts.ts";
import { noOffsiteBackups } from "../../shell/messages.ts";

/** The Job's three steps (drill.sh says which and what it takes), read once. */
const DRILL_SCRIPT = readFileSync(new URL("./drill.sh", import.meta.url), "utf8");

export const DRILL_JOB = "sei-drill";
export const DRILL_DATABASE = "sei-drill-database";
const DRILL_SECRET = "sei-drill-database";
const SCRATCH_CLAIM = "sei-drill-scratch";
/** The image runs a *.sql file of /docker-entrypoint-initdb.d as root on an empty data directory. */
const INIT_SQL = "create-databases.sql";
/** The label every object of a scratch namespace carries: which municipality it drills. */
export const DRILL_LABEL = "sei.mg.gov.br/drill-of";

/** Where the Job's claim is mounted: restic's folders, the set, the restored documents. */
const SCRATCH = "/scratch";

export interface DrillInput {
  readonly plan: InstancePlan;
  /** The scratch namespace's name (scratchNamespaceName). */
  readonly namespace: string;
  /** The data of the instance's Secret sei-backup-store, base64 as the API gives it. */
  readonly storeSecretData: Readonly<Record<string, string>>;
  /** The scratch database's administrator password, generated for this drill. */
  readonly rootPassword: string;
  /** The set's name: the drill's date (restore/restore.sh wants a date). */
  readonly setName: string;
}

/** `sei-drill-<suffix>-<municipality>`, cut to a DNS label's 63 characters. */
export function scratchNamespaceName(municipality: string, suffix: string): string {
  return `sei-drill-${suffix}-${municipality}`.slice(0, 63).replace(/-+$/, "");
}

type Manifest = Record<string, unknown>;

export function scratchManifests(input: DrillInput): Manifest[] {
  const { plan, namespace } = input;
  if (!hasOffsiteBackups(plan)) throw new Error(noOffsiteBackups(plan));
  const store = plan.backupStore;
  const meta = (name: string, labels: Readonly<Record<string, string>> = {}) => ({
    name,
    namespace,
    labels: { ...labels, [DRILL_LABEL]: plan.municipality.name, [LABEL.managedBy]: MANAGED_BY },
  });
  const database = plan.database;
  const databaseLabels = { ...componentLabels("database"), [LABEL.name]: DRILL_DATABASE };
  const jobLabels = { ...componentLabels("backup"), [LABEL.name]: DRILL_JOB };
  const podSecurity = Object.fromEntries(
    Object.entries(plan.namespace.labels).filter(([key]) => key.startsWith("pod-security.kubernetes.io/")),
  );
  const databaseBytes = plan.volumes.database.storageBytes;
  const drill = plan.backup.offsite.drill;
  const { quota } = drill;
  const jobResources = plan.backup.resources;
  const dns = plan.network.edges.find((e) => e.egress === "dnsEgress")?.to as NamespacePeer | undefined;
  if (!dns) throw new Error("the plan has no DNS edge");
  const podSpec = restrictedPodSpec({
    imagePullSecrets: database.imagePullSecrets,
    user: IMAGES.database,
    optOut: {
      serviceAccount: "the scratch namespace has only its default ServiceAccount, whose token is never mounted",
    },
  });
  const policy = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(name),
    spec,
  });
  const claim = (name: string, bytes: number) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta(name),
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: plan.volumes.database.storageClass,
      resources: { requests: { storage: formatBytes(bytes) } },
    },
  });
  const rootPassword = (name: string) => secretEnv(name, DRILL_SECRET, "root-password");

  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { ...podSecurity, ...meta("").labels } },
    },
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: meta(quota.name),
      spec: {
        hard: {
          pods: String(quota.pods),
          persistentvolumeclaims: String(quota.persistentVolumeClaims),
          "requests.storage": formatBytes(quota.storageBytes),
          "requests.cpu": formatCpu(quota.requests.cpuMillicores),
          "limits.cpu": formatCpu(quota.limits.cpuMillicores),
          "requests.memory": formatBytes(quota.requests.memoryBytes),
          "limits.memory": formatBytes(quota.limits.memoryBytes),
          "requests.ephemeral-storage": formatBytes(quota.requests.ephemeralStorageBytes),
          "limits.ephemeral-storage": formatBytes(quota.limits.ephemeralStorageBytes),
        },
      },
    },
    policy("default-deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("allow-dns-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": dns.namespace } },
              ...(dns.podLabels ? { podSelector: { matchLabels: { ...dns.podLabels } } } : {}),
            },
          ],
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
      ],
    }),
    policy("allow-drill-to-database", {
      podSelector: { matchLabels: jobLabels },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ podSelector: { matchLabels: databaseLabels } }], ports: [{ port: database.port, protocol: "TCP" }] },
      ],
    }),
    policy("allow-database-from-drill", {
      podSelector: { matchLabels: databaseLabels },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ podSelector: { matchLabels: jobLabels } }], ports: [{ port: database.port, protocol: "TCP" }] },
      ],
    }),
    policy("allow-drill-store-egress", {
      podSelector: { matchLabels: jobLabels },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: store.egress.cidr } }], ports: [{ port: store.egress.port, protocol: "TCP" }] },
      ],
    }),
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(BACKUP_STORE_SECRET),
      type: "Opaque",
      data: { ...input.storeSecretData },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta(DRILL_SECRET),
      type: "Opaque",
      stringData: { "root-password": input.rootPassword },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(DRILL_DATABASE),
      data: {
        [SERVER_CONFIG_KEY]: database.serverConfig,
        // Empty sei and sip, as restore/restore.sh wants its target: SQL the image runs once, as root, on the empty volume.
        [INIT_SQL]: [database.seiDatabase, database.sipDatabase]
          .map((name) => `CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci;\n`)
          .join(""),
      },
    },
    claim(DRILL_DATABASE, databaseBytes),
    claim(SCRATCH_CLAIM, drill.scratchBytes),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(DRILL_DATABASE),
      spec: { selector: databaseLabels, ports: [{ name: "mysql", port: database.port, targetPort: database.port }] },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: meta(DRILL_DATABASE, databaseLabels),
      spec: {
        ...podSpec,
        containers: [
          {
            name: "database",
            image: database.image,
            args: [database.serverCommand],
            ports: [{ name: "mysql", containerPort: database.port }],
            env: [rootPassword("MYSQL_ROOT_PASSWORD")],
            resources: renderResources(database.resources),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: DATABASE_SERVER_MOUNTS,
          },
        ],
        volumes: [
          { name: "data", persistentVolumeClaim: { claimName: DRILL_DATABASE } },
          {
            name: "config",
            configMap: { name: DRILL_DATABASE, items: [{ key: SERVER_CONFIG_KEY, path: SERVER_CONFIG_KEY }] },
          },
          {
            name: "initdb",
            configMap: { name: DRILL_DATABASE, items: [{ key: INIT_SQL, path: INIT_SQL }] },
          },
          { name: "run", emptyDir: { medium: "Memory", sizeLimit: SCRATCH_VOLUMES.database.run.sizeLimit } },
          { name: "tmp", emptyDir: { sizeLimit: formatBytes(database.tmpBytes) } },
        ],
      },
    },
    storeJob(
      {
        metadata: meta(DRILL_JOB, jobLabels),
        podLabels: { ...jobLabels, [DRILL_LABEL]: plan.municipality.name },
        deadlineSeconds: plan.backup.restoreDeadlineSeconds,
        pod: podSpec,
        container: {
          name: "drill",
          image: database.image,
          command: ["/bin/bash", "-c", DRILL_SCRIPT],
          env: [
            env("MUNICIPALITY", plan.municipality.name),
            env("SEI_DATABASE", database.seiDatabase),
            env("SIP_DATABASE", database.sipDatabase),
            // restic's folders on the scratch claim, beside the set it builds: no emptyDir would hold them.
            env("TMPDIR", `${SCRATCH}/tmp`),
            env("RESTIC_CACHE_DIR", `${SCRATCH}/cache`),
            env("BACKUPS", `${SCRATCH}/backups`),
            env("RESTORE_SET", input.setName),
            env("SET_DIR", `${SCRATCH}/backups/sets/${input.setName}`),
            env("MANIFEST", `${SCRATCH}/backups/manifest`),
            env("DOCUMENTS", `${SCRATCH}/documents`),
            env("DB_HOST", DRILL_DATABASE),
            env("DB_PORT", database.port),
            env("DB_USER", "root"),
            env("DB_ADMIN_USER", "root"),
            env("OFFSITE", plan.backup.offsite.scriptsDir),
            env("RESTORE_SCRIPT", RESTORE_SCRIPTS.restore),
            rootPassword("MYSQL_PWD"),
          ],
          resources: renderResources(jobResources),
          volumeMounts: [
            { name: "scratch", mountPath: SCRATCH },
            // point-in-time-set.sh's server socket: TMPDIR on a deep mount may pass a socket path's 107 bytes.
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
        volumes: [
          { name: "scratch", persistentVolumeClaim: { claimName: SCRATCH_CLAIM } },
          { name: "tmp", emptyDir: { sizeLimit: formatBytes(plan.backup.tmpBytes) } },
        ],
      },
      storeCredentials(store, plan.backup.offsite),
    ),
  ];
}
