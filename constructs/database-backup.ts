/**
 * DatabaseBackup: the nightly backup of a production instance, one dated set
 * per run on the backup claim: both databases, then a hard-linked snapshot of
 * the document repository; sets older than the retention are deleted
 * (database-backup.sh).
 */
import { readFileSync } from "node:fs";
import { ConfigMapV1, Construct, CronJobV1 } from "../runtime/cdktf.ts";
import type { BackupPlan, DatabasePlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";
import { BACKUP_MOUNTS } from "./database-scripts.ts";
import { renderResources, terraformLiteral } from "./render.ts";
import { IMAGES } from "../core/image-contract.ts";
import { restrictedContainerSecurityContext } from "../core/pod-security.ts";
import { terraformRestrictedPodSpec } from "./security.ts";
import { plainEnv as env, secretEnv } from "./container-env.ts";

export interface DatabaseBackupProps {
  /** Namespace of the CronJob. */
  readonly namespace: string;
  /** Schedule, retention, image, resources and names. */
  readonly backup: BackupPlan;
  /** The database to dump: service, port and database names. */
  readonly database: DatabasePlan;
  /** Secret holding the backup account's password, and its key. */
  readonly credentialsSecretName: string;
  readonly passwordKey: string;
  /** Claim the sets are written to. */
  readonly backupClaimName: string;
  /** Claim of the document repository, mounted read-only. */
  readonly documentsClaimName: string;
  /** ServiceAccount of the pods. */
  readonly serviceAccountName: string;
}

/**
 * What every nightly CronJob shares (this one and the store's, constructs/offsite-backup.ts): never
 * two runs at once; a run that has not started an hour after its time is skipped, the next night's
 * takes over; the last three runs of each outcome kept to read.
 */
export const NIGHTLY_CRON_JOB = {
  concurrencyPolicy: "Forbid",
  startingDeadlineSeconds: 3600,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
} as const;

/** File name of the backup script in its ConfigMap. */
const BACKUP_SCRIPT_KEY = "backup.sh";
/** The backup script, read once; its inputs come through the environment (its header names them). */
const BACKUP_SCRIPT = readFileSync(new URL("./database-backup.sh", import.meta.url), "utf8");

export class DatabaseBackup extends Construct {
  public readonly resource: CronJobV1;

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    const { namespace, backup, database } = props;

    const script = new ConfigMapV1(this, "Script", {
      metadata: { name: backup.scriptConfigMapName, namespace, labels: { ...backup.labels } },
      data: { [BACKUP_SCRIPT_KEY]: terraformLiteral(BACKUP_SCRIPT) },
    });

    this.resource = new CronJobV1(this, "Resource", {
      metadata: { name: backup.cronJobName, namespace, labels: { ...backup.labels } },
      spec: {
        schedule: backup.schedule,
        ...NIGHTLY_CRON_JOB,
        jobTemplate: {
          metadata: { labels: { ...backup.labels } },
          spec: {
            backoffLimit: 1,
            template: {
              metadata: { labels: { ...backup.labels } },
              spec: {
                restartPolicy: "Never",
                ...terraformRestrictedPodSpec({
                  serviceAccountName: props.serviceAccountName,
                  imagePullSecrets: database.imagePullSecrets,
                  user: IMAGES.database,
                }),
                container: [
                  {
                    name: "backup",
                    image: backup.image,
                    command: ["/bin/bash", `/scripts/${BACKUP_SCRIPT_KEY}`],
                    env: [
                      env("BACKUPS", BACKUP_MOUNTS.backups),
                      env("DOCUMENTS", BACKUP_MOUNTS.documents),
                      env("DB_HOST", database.serviceName),
                      env("DB_PORT", database.port),
                      // Its own read-only account, never root (constructs/database-scripts.ts, backupGrants).
                      env("DB_USER", database.backupUser),
                      env("SEI_DATABASE", database.seiDatabase),
                      env("SIP_DATABASE", database.sipDatabase),
                      env("RETENTION_DAYS", backup.retentionDays),
                      // The client reads MYSQL_PWD, so the password never appears in a process list.
                      secretEnv("MYSQL_PWD", props.credentialsSecretName, props.passwordKey),
                    ],
                    resources: renderResources(backup.resources),
                    securityContext: restrictedContainerSecurityContext(),
                    volumeMount: [
                      { name: "backups", mountPath: BACKUP_MOUNTS.backups },
                      { name: "documents", mountPath: BACKUP_MOUNTS.documents, readOnly: true },
                      { name: "scripts", mountPath: "/scripts", readOnly: true },
                      { name: "tmp", mountPath: "/tmp" },
                    ],
                  },
                ],
                volume: [
                  { name: "backups", persistentVolumeClaim: { claimName: props.backupClaimName } },
                  { name: "documents", persistentVolumeClaim: { claimName: props.documentsClaimName, readOnly: true } },
                  { name: "scripts", configMap: { name: script.metadata.name } },
                  // Dumps stream to the backup claim; /tmp only holds the tools' stray files.
                  { name: "tmp", emptyDir: { sizeLimit: formatBytes(backup.tmpBytes) } },
                ],
              },
            },
          },
        },
      },
    });
  }
}
