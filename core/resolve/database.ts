/**
 * The database Terraform runs (docs/architecture.md, "The SEI instance"): engine, names, users,
 * engine settings; and in production its nightly backup.
 */
import { componentLabels, PORTS } from "../naming.ts";
import type { BackupPlan, DatabasePlan } from "../plan.ts";
import { toMebibytes } from "../quantity.ts";
import { scratchBytes } from "../scratch.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";
import { image, imageReference } from "./images.ts";
import type { PhaseFacts } from "./phase.ts";
import type { ComponentResources } from "./workloads.ts";

export function databaseOf(tier: Tier, platform: Platform, phase: PhaseFacts, res: ComponentResources): DatabasePlan {
  const t = tier.spec.database;
  const p = platform.spec;
  return {
    engine: p.database.engine,
    image: imageReference(image(platform, "database")),
    imagePullSecrets: p.imagePullSecret ? [p.imagePullSecret] : [],
    statefulSetName: "sei-database",
    serviceName: "sei-database",
    configMapName: "sei-database-config",
    port: PORTS.database,
    replicas: phase.running(1),
    seiDatabase: "sei",
    sipDatabase: "sip",
    seiUser: "sei_user",
    sipUser: "sip_user",
    backupUser: "sei_backup",
    serverCommand: p.database.engine === "mariadb" ? "mariadbd" : "mysqld",
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
): BackupPlan | null {
  if (!phase.production) return null;
  return {
    cronJobName: "sei-backup",
    scriptConfigMapName: "sei-backup-script",
    schedule: tier.spec.backup.schedule,
    retentionDays: tier.spec.backup.retentionDays,
    image: database.image,
    resources: res.backup,
    labels: componentLabels("backup"),
    tmpBytes: scratchBytes(res.backup.limits.ephemeralStorageBytes),
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
