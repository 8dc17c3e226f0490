/**
 * The database Terraform runs (docs/architecture.md, "The SEI instance"): engine, names, users,
 * engine settings; and in production its nightly backup.
 */
import { PORTS } from "../image-contract.ts";
import { componentLabels, LABEL } from "../naming.ts";
import type {
  BackupPlan,
  BackupStorePlan,
  ComputeAmount,
  DatabasePlan,
  OffsiteBackupPlan,
  VolumesPlan,
} from "../plan.ts";
import { toMebibytes } from "../quantity.ts";
import { scratchBytes } from "../scratch.ts";
import { DATABASE_SERVER_COMMANDS, type Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";
import { image, imageReference } from "./images.ts";
import type { PhaseFacts } from "./phase.ts";
import { restoreDeadlineSecondsOf } from "./restore-deadline.ts";
import { restoreDrillOf } from "./restore-drill.ts";
import type { ComponentResources } from "./workloads.ts";

/** `namespace`: the instance's namespace, where the database's service is. */
export function databaseOf(
  tier: Tier,
  platform: Platform,
  phase: PhaseFacts,
  res: ComponentResources,
  namespace: string,
): DatabasePlan {
  const t = tier.spec.database;
  const p = platform.spec;
  const serviceName = "sei-database";
  return {
    engine: p.database.engine,
    image: imageReference(image(platform, "database")),
    imagePullSecrets: p.imagePullSecret ? [p.imagePullSecret] : [],
    statefulSetName: "sei-database",
    serviceName,
    clusterAddress: `${serviceName}.${namespace}.svc:${PORTS.database}`,
    configMapName: "sei-database-config",
    port: PORTS.database,
    replicas: phase.running(1),
    seiDatabase: "sei",
    sipDatabase: "sip",
    seiUser: "sei_user",
    sipUser: "sip_user",
    backupUser: "sei_backup",
    serverCommand: DATABASE_SERVER_COMMANDS[p.database.engine],
    adminUser: "root",
    bufferPoolBytes: t.bufferPool,
    maxConnections: t.maxConnections,
    resources: res.database,
    labels: componentLabels("database"),
    serverConfig: mysqlServerConfig(t.bufferPool, t.maxConnections),
    tmpBytes: scratchBytes(res.database.limits.ephemeralStorageBytes),
  };
}

/** Null outside production: backups come with production (docs/architecture.md, "Lifecycle phases"). */
export function backupOf(
  tier: Tier,
  phase: PhaseFacts,
  database: DatabasePlan,
  res: ComponentResources,
  volumes: VolumesPlan,
  store: BackupStorePlan | null,
): BackupPlan | null {
  if (!phase.production) return null;
  const restoreDeadlineSeconds = restoreDeadlineSecondsOf(volumes);
  return {
    cronJobName: "sei-backup",
    scriptConfigMapName: "sei-backup-script",
    schedule: tier.spec.backup.schedule,
    retentionDays: tier.spec.backup.retentionDays,
    image: database.image,
    resources: res.backup,
    labels: componentLabels("backup"),
    tmpBytes: scratchBytes(res.backup.limits.ephemeralStorageBytes),
    restoreDeadlineSeconds,
    offsite: store ? offsiteBackup(tier, res, volumes) : null,
  };
}

/** The store's pods (docs/offsite-backups.md): names, mount points and the shipper's settings; the drill of its backups. */
function offsiteBackup(tier: Tier, res: ComponentResources, volumes: VolumesPlan): OffsiteBackupPlan {
  const tmp = "/tmp";
  const binlogBytes = tier.spec.backup.binlogStorage;
  const more = (amount: ComputeAmount) => ({
    ...amount,
    ephemeralStorageBytes: amount.ephemeralStorageBytes + binlogBytes,
  });
  return {
    cronJobName: "sei-offsite-backup",
    scriptsDir: "/opt/sei-offsite",
    mounts: { tmp, cache: "/var/cache/restic", documents: "/documents", storeCa: "/etc/sei-backup-store" },
    shipper: {
      name: "sei-binlog-shipper",
      labels: { ...componentLabels("backup"), [LABEL.name]: "sei-binlog-shipper" },
      user: "sei_binlog",
      serverId: 2,
      intervalSeconds: 60,
      keepLocalHours: 48,
      binlogDir: "/var/lib/sei-binlogs",
      binlogBytes,
      resources: { requests: more(res.backup.requests), limits: more(res.backup.limits) },
      // In TMPDIR, not the binlog folder: the folder is what gets shipped.
      statusFile: `${tmp}/binlog-last-shipped`,
      // A last shipping is one restic run: a minute is ample for a folder shipped every minute.
      stopGraceSeconds: 120,
    },
    // A nightly backup: a day, and two hours for one night's run to finish. The binlogs: issue 19's
    // five minutes, five shipping intervals.
    rpo: { backupSeconds: 26 * 3600, binlogSeconds: 300 },
    drill: restoreDrillOf(volumes, res),
  };
}

/** SEI needs latin1 and large packets for documents stored in the database (docs/architecture.md, "The SEI instance"). */
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
