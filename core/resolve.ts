/**
 * resolve: municipality + tier + platform → InstancePlan.
 *
 * Every size, name and replica count of an instance is decided here, once.
 * The phase decides what runs (DESIGN.md section 5): production gets the tier's
 * high availability and backups; earlier phases run one app replica; suspended
 * keeps every object but runs nothing; decommissioned drops the release and
 * keeps the data. Volumes exist in every formalized phase, so no phase change
 * can ever remove one.
 */
import { toMebibytes } from "./quantity.ts";
import { renderResources } from "./render-resources.ts";
import type { HelmValues } from "./helm-values.ts";
import { CHART_PATH, LABEL, RELEASE_NAME, namespaceName, stackName } from "./naming.ts";
import type {
  ComponentName,
  ComputeAmount,
  ComputeResources,
  InstancePlan,
  QuotaPlan,
  LimitRangePlan,
  StateBackendPlan,
  VolumeKind,
  VolumePlan,
  WorkloadPlan,
} from "./plan.ts";
import type { Municipality } from "./schema/municipality.ts";
import type { Platform } from "./schema/platform.ts";
import type { Tier } from "./schema/tier.ts";

type TierResources = Tier["spec"]["app"]["resources"];

const PORTS = { app: 8000, database: 3306, solr: 8983, memcached: 11211, jod: 8080 } as const;

/** How long the updater (version-update scripts) may run before Helm gives up on the upgrade. */
const UPDATER_DEADLINE_SECONDS = 1800;

export interface ResolveInput {
  readonly municipality: Municipality;
  readonly tier: Tier;
  readonly platform: Platform;
  /** Path of the municipality file, for messages and reports. */
  readonly sourceFile: string;
}

export function resolve({ municipality, tier, platform, sourceFile }: ResolveInput): InstancePlan {
  const { name } = municipality.metadata;
  const spec = municipality.spec;
  const { phase } = spec;
  const t = tier.spec;
  const p = platform.spec;

  const runs = phase !== "suspended" && phase !== "decommissioned";
  const released = phase !== "decommissioned";
  const production = phase === "production";

  const appReplicas = production ? t.app.replicas : { min: 1, max: 1 };
  const autoscaling = production && appReplicas.max > appReplicas.min;
  const running = (count: number) => (runs ? count : 0);

  // Each component's resources, converted once; workloads, quota and Helm values all read these.
  const res = {
    app: computeResources(t.app.resources),
    scheduler: computeResources(t.scheduler.resources),
    updater: computeResources(t.updater.resources),
    solr: computeResources(t.solr.resources),
    memcached: computeResources(t.memcached.resources),
    jod: computeResources(t.jod.resources),
    database: computeResources(t.database.resources),
    backup: computeResources(t.backup.resources),
  };

  const workloads: WorkloadPlan[] = [
    // One extra app pod may exist while a rolling update surges.
    workload("app", running(appReplicas.min), running(appReplicas.max + 1), res.app),
    workload("scheduler", running(1), running(1), res.scheduler),
    // The updater runs as a Helm hook beside the old pods during an upgrade.
    workload("updater", 0, running(1), res.updater),
    workload("solr", running(1), running(1), res.solr),
    workload("memcached", running(1), running(1), res.memcached),
    workload("database", running(1), running(1), res.database),
  ];
  if (t.jod.enabled) workloads.push(workload("jod", running(1), running(1), res.jod));
  if (production) workloads.push(workload("backup", 0, 1, res.backup));

  const overrides = spec.overrides ?? {};
  const databaseStorage = overrides.databaseStorage ?? t.database.storage;
  const documentsStorage = overrides.documentsStorage ?? t.documents.storage;
  // A backup set holds a copy of the documents and dumps of the database, so the tier's backup
  // room grows by whatever an override adds to either; it never drops below the tier's.
  const backupStorage =
    t.backup.storage + Math.max(0, documentsStorage - t.documents.storage) + Math.max(0, databaseStorage - t.database.storage);
  const volumes: Record<VolumeKind, VolumePlan> = {
    database: volume("database", "sei-database-data", databaseStorage, p.storageClasses.readWriteOnce, "ReadWriteOnce"),
    documents: volume("documents", "sei-documents", documentsStorage, p.storageClasses.readWriteMany, "ReadWriteMany"),
    solr: volume("solr", "sei-solr-data", overrides.solrStorage ?? t.solr.storage, p.storageClasses.readWriteOnce, "ReadWriteOnce"),
    backup: volume("backup", "sei-backups", backupStorage, p.storageClasses.readWriteOnce, "ReadWriteOnce"),
  };

  const cluster = p.clusters.find((c) => c.name === (spec.cluster ?? p.defaultCluster));
  if (!cluster) {
    // The fleet rules report an unknown cluster with its position; reaching here is a caller bug.
    throw new Error(`${sourceFile}: cluster "${spec.cluster ?? p.defaultCluster}" is not in platform.yaml`);
  }

  const ns = namespaceName(name);
  const componentLabels = (component: ComponentName) => ({
    [LABEL.name]: "sei",
    [LABEL.instance]: RELEASE_NAME,
    [LABEL.component]: component,
    [LABEL.partOf]: "sei-municipios",
  });
  const image = (i: { repository: string; tag: string }) => `${p.registry}/${i.repository}:${i.tag}`;
  const secrets = { database: "sei-database-credentials", app: "sei-app-secrets" };
  const serviceAccountName = "sei";

  const database = {
    engine: p.database.engine,
    image: image(p.images.database),
    imagePullSecrets: p.imagePullSecret ? [p.imagePullSecret] : [],
    statefulSetName: "sei-database",
    serviceName: "sei-database",
    configMapName: "sei-database-config",
    port: PORTS.database,
    replicas: running(1),
    seiDatabase: "sei",
    sipDatabase: "sip",
    seiUser: "sei_user",
    sipUser: "sip_user",
    bufferPoolBytes: t.database.bufferPool,
    maxConnections: t.database.maxConnections,
    resources: res.database,
    labels: componentLabels("database"),
    serverConfig: mysqlServerConfig(t.database.bufferPool, t.database.maxConnections),
  };

  const values: HelmValues = {
    municipality: { name, ibgeCode: spec.ibgeCode, displayName: spec.displayName, tier: tier.metadata.name, phase },
    host: spec.domain,
    serviceAccountName,
    imagePullSecrets: p.imagePullSecret ? [{ name: p.imagePullSecret }] : [],
    componentLabel: LABEL.component,
    app: {
      image: { repository: `${p.registry}/${p.images.app.repository}`, tag: p.images.app.tag },
      replicas: running(appReplicas.min),
      autoscaling: {
        enabled: runs && autoscaling,
        minReplicas: appReplicas.min,
        maxReplicas: appReplicas.max,
        targetCpuPercent: t.app.autoscalingTargetCpuPercent,
      },
      podDisruptionBudget: { enabled: runs && production && t.app.podDisruptionBudget, minAvailable: 1 },
      resources: renderResources(res.app),
      port: PORTS.app,
    },
    scheduler: { enabled: runs, resources: renderResources(res.scheduler) },
    updater: { enabled: runs, resources: renderResources(res.updater), activeDeadlineSeconds: UPDATER_DEADLINE_SECONDS },
    solr: {
      image: { repository: `${p.registry}/${p.images.solr.repository}`, tag: p.images.solr.tag },
      replicas: running(1),
      heapMegabytes: toMebibytes(t.solr.heap),
      resources: renderResources(res.solr),
      port: PORTS.solr,
      existingClaim: volumes.solr.claimName,
      cores: { protocolos: "sei-protocolos", basesConhecimento: "sei-bases-conhecimento", publicacoes: "sei-publicacoes" },
    },
    memcached: {
      image: { repository: `${p.registry}/${p.images.memcached.repository}`, tag: p.images.memcached.tag },
      replicas: running(1),
      cacheMegabytes: toMebibytes(t.memcached.cacheSize),
      sessions: t.app.memcachedSessions,
      resources: renderResources(res.memcached),
      port: PORTS.memcached,
    },
    jod: {
      enabled: t.jod.enabled,
      image: { repository: `${p.registry}/${p.images.jod.repository}`, tag: p.images.jod.tag },
      replicas: running(1),
      resources: renderResources(res.jod),
      port: PORTS.jod,
    },
    database: {
      type: "MySql",
      host: database.serviceName,
      port: database.port,
      seiDatabase: database.seiDatabase,
      sipDatabase: database.sipDatabase,
      seiUsername: database.seiUser,
      sipUsername: database.sipUser,
      rootUsername: "root",
      secretName: secrets.database,
    },
    documents: { existingClaim: volumes.documents.claimName, mountPath: "/var/sei/arquivos" },
    secrets: { appSecretName: secrets.app },
    ingress: {
      className: p.ingress.className,
      clusterIssuer: p.ingress.clusterIssuer,
      tlsSecretName: "sei-tls",
      bodySize: "510m",
      // With PHP sessions in memcached any replica can serve any request.
      stickySessions: !t.app.memcachedSessions,
    },
    mail: { host: p.mail.host, port: p.mail.port, security: p.mail.security },
  };

  return {
    municipality: {
      name,
      ibgeCode: spec.ibgeCode,
      displayName: spec.displayName,
      population: spec.population,
      tier: tier.metadata.name,
      phase,
      domain: spec.domain,
      sourceFile,
    },
    stackName: stackName(name),
    url: `https://${spec.domain}/sei`,
    cluster: { name: cluster.name, kubeconfigPath: cluster.kubeconfig.path, context: cluster.kubeconfig.context },
    stateBackend: stateBackend(platform, name),
    namespace: {
      name: ns,
      labels: {
        [LABEL.municipality]: name,
        [LABEL.ibgeCode]: spec.ibgeCode,
        [LABEL.tier]: tier.metadata.name,
        [LABEL.phase]: phase,
        [LABEL.partOf]: "sei-municipios",
        // Everything SEI needs runs as a restricted pod; nothing in the namespace may do more.
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
    serviceAccountName,
    workloads,
    quota: quotaFor(workloads, Object.values(volumes)),
    limitRange: limitRangeFor(workloads),
    network: {
      componentLabel: LABEL.component,
      policyNames: {
        defaultDeny: "default-deny-all",
        dnsEgress: "allow-dns-egress",
        ingressControllerToApp: "allow-ingress-controller-to-app",
        appEgress: "allow-app-egress",
        databaseIngress: "allow-database-ingress",
        solrIngress: "allow-solr-ingress",
        memcachedIngress: "allow-memcached-ingress",
        jodIngress: "allow-jod-ingress",
        backupEgress: "allow-backup-egress",
        mailEgress: "allow-mail-egress",
      },
      dns: { namespace: "kube-system", port: 53 },
      ingressControllerNamespace: p.ingress.controllerNamespace,
      appComponents: ["app", "scheduler", "updater"],
      ports: PORTS,
      mail: { cidr: p.mail.cidr, port: p.mail.port },
    },
    volumes,
    secrets,
    database,
    backup: production
      ? {
          cronJobName: "sei-backup",
          scriptConfigMapName: "sei-backup-script",
          schedule: t.backup.schedule,
          retentionDays: t.backup.retentionDays,
          image: database.image,
          resources: res.backup,
          labels: componentLabels("backup"),
        }
      : null,
    release: released
      ? {
          name: RELEASE_NAME,
          chartPath: CHART_PATH,
          values,
          wait: p.deploy.waitForWorkloads,
          runHooks: p.deploy.waitForWorkloads,
          timeoutSeconds: p.deploy.timeoutSeconds,
        }
      : null,
    waitForWorkloads: p.deploy.waitForWorkloads,
  };
}

function workload(component: ComponentName, minReplicas: number, maxReplicas: number, resources: ComputeResources): WorkloadPlan {
  return { component, minReplicas, maxReplicas, resources };
}

function volume(kind: VolumeKind, claimName: string, storageBytes: number, storageClass: string, accessMode: VolumePlan["accessMode"]): VolumePlan {
  return { kind, claimName, storageBytes, storageClass, accessMode };
}

function computeResources(r: TierResources): ComputeResources {
  return {
    requests: { cpuMillicores: r.requests.cpu, memoryBytes: r.requests.memory },
    limits: { cpuMillicores: r.limits.cpu, memoryBytes: r.limits.memory },
  };
}

/** Sum of resources × replicas, at the minimum or the maximum replica count. */
export function sumWorkloads(workloads: readonly WorkloadPlan[], at: "minReplicas" | "maxReplicas"): ComputeResources {
  const add = (pick: (w: WorkloadPlan) => ComputeAmount) =>
    workloads.reduce(
      (total, w) => ({
        cpuMillicores: total.cpuMillicores + pick(w).cpuMillicores * w[at],
        memoryBytes: total.memoryBytes + pick(w).memoryBytes * w[at],
      }),
      { cpuMillicores: 0, memoryBytes: 0 },
    );
  return { requests: add((w) => w.resources.requests), limits: add((w) => w.resources.limits) };
}

function quotaFor(workloads: readonly WorkloadPlan[], volumes: readonly VolumePlan[]): QuotaPlan {
  const atMax = sumWorkloads(workloads, "maxReplicas");
  return {
    name: "sei-quota",
    requests: atMax.requests,
    limits: atMax.limits,
    storageBytes: volumes.reduce((sum, v) => sum + v.storageBytes, 0),
    persistentVolumeClaims: volumes.length,
    pods: workloads.reduce((sum, w) => sum + w.maxReplicas, 0),
  };
}

/**
 * Containers we render always set resources; the defaults only catch a stray
 * pod (kubectl run while debugging) and size it like the smallest component.
 * The maximum is the largest container the tier defines.
 */
function limitRangeFor(workloads: readonly WorkloadPlan[]): LimitRangePlan {
  const all = workloads.map((w) => w.resources);
  const smallest = all.reduce((a, b) => (b.limits.memoryBytes < a.limits.memoryBytes ? b : a));
  return {
    name: "sei-limits",
    defaultRequest: smallest.requests,
    defaultLimit: smallest.limits,
    max: {
      cpuMillicores: Math.max(...all.map((r) => r.limits.cpuMillicores)),
      memoryBytes: Math.max(...all.map((r) => r.limits.memoryBytes)),
    },
  };
}

/** SEI needs latin1 and large packets for documents stored in the database (DESIGN.md section 3). */
function mysqlServerConfig(bufferPoolBytes: number, maxConnections: number): string {
  return [
    "[mysqld]",
    "character-set-server = latin1",
    "collation-server = latin1_swedish_ci",
    "max_allowed_packet = 128M",
    `innodb_buffer_pool_size = ${toMebibytes(bufferPoolBytes)}M`,
    `max_connections = ${maxConnections}`,
    "skip-name-resolve",
    "",
  ].join("\n");
}

function stateBackend(platform: Platform, name: string): StateBackendPlan {
  const backend = platform.spec.stateBackend;
  const stack = stackName(name);
  switch (backend.type) {
    case "local":
      return { type: "local", settings: { path: `${backend.directory}/${stack}.tfstate` } };
    case "pg":
      // One schema per municipality: each stack locks and stores its own state.
      return { type: "pg", settings: { connectionStringEnv: backend.connectionStringEnv, schemaName: stack.replaceAll("-", "_") } };
    case "s3":
      return {
        type: "s3",
        settings: {
          bucket: backend.bucket,
          region: backend.region,
          key: `${backend.keyPrefix}/${stack}.tfstate`,
          ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
        },
      };
    case "kubernetes":
      return {
        type: "kubernetes",
        settings: { namespace: backend.namespace, secretSuffix: stack, ...(backend.configPath ? { configPath: backend.configPath } : {}) },
      };
  }
}

