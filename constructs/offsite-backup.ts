/**
 * OffsiteBackup: the pods that write an instance's backups to its cluster's
 * backup store (docs/offsite-backups.md), both running the database image's
 * scripts (/opt/sei-offsite):
 * - a CronJob, `nightly-backup.sh`: both databases in one dump and the
 *   document repository, into the municipality's restic repository;
 * - a one-replica Deployment, `binlog-shipper.sh`: the binary logs, copied as
 *   the server writes them and shipped every interval.
 * Both read the namespace's Secret `sei-backup-store` whole as their
 * environment (envFrom), its `ca.crt` as a file where the store has a CA, and
 * get restic's writable folders as emptyDirs under a read-only root. They carry
 * the backup label, which the store's egress policy and the database's ingress
 * policy select (core/resolve/network.ts). Database passwords only by reference.
 */
import { Construct, CronJobV1, DeploymentV1 } from "../runtime/cdktf.ts";
import { SECRET_KEYS } from "../core/naming.ts";
import type { BackupPlan, BackupStorePlan, ComputeResources, DatabasePlan, OffsiteBackupPlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";
import { NIGHTLY_CRON_JOB } from "./database-backup.ts";
import { storeAccess } from "./backup-store-access.ts";
import { renderResources } from "./render.ts";
import { IMAGES } from "../core/image-contract.ts";
import { restrictedContainerSecurityContext } from "../core/pod-security.ts";
import { terraformRestrictedPodSpec } from "./security.ts";
import { plainEnv as env, secretEnv } from "./container-env.ts";

export interface OffsiteBackupProps {
  readonly namespace: string;
  /** The municipality: the scripts tag every snapshot with it. */
  readonly municipality: string;
  /** Schedule, image, resources, labels and scratch size; `offsite` names the rest. */
  readonly backup: BackupPlan & { readonly offsite: OffsiteBackupPlan };
  readonly store: BackupStorePlan;
  /** The database: service, port, names and accounts. */
  readonly database: DatabasePlan;
  /** Secret holding the backup's and the shipper's passwords. */
  readonly credentialsSecretName: string;
  /** Claim of the document repository, mounted read-only by the nightly job. */
  readonly documentsClaimName: string;
  readonly serviceAccountName: string;
}

export class OffsiteBackup extends Construct {
  public readonly nightly: CronJobV1;
  public readonly shipper: DeploymentV1;

  constructor(scope: Construct, id: string, props: OffsiteBackupProps) {
    super(scope, id);
    const { namespace, backup, store, database } = props;
    const { offsite } = backup;
    const { mounts, shipper } = offsite;
    const labels = { ...backup.labels };

    // The client reads MYSQL_PWD, so the password never appears in a process list.
    const password = (key: string) => secretEnv("MYSQL_PWD", props.credentialsSecretName, key);
    const access = storeAccess(store, offsite, backup.tmpBytes);
    // What both pods share: the store's environment, its CA, restic's writable folders, the pod's security.
    const common = {
      env: [
        env("MUNICIPALITY", props.municipality),
        env("DB_HOST", database.serviceName),
        env("DB_PORT", database.port),
        ...access.env,
      ],
      envFrom: access.envFrom,
      mounts: access.mounts,
      volumes: access.volumes,
      pod: terraformRestrictedPodSpec({
        serviceAccountName: props.serviceAccountName,
        imagePullSecrets: database.imagePullSecrets,
        user: IMAGES.database,
      }),
    };
    const container = (name: string, script: string, resources: ComputeResources) => ({
      name,
      image: backup.image,
      command: ["/bin/bash", `${offsite.scriptsDir}/${script}`],
      envFrom: common.envFrom,
      resources: renderResources(resources),
      securityContext: restrictedContainerSecurityContext(),
    });

    this.nightly = new CronJobV1(this, "Nightly", {
      metadata: { name: offsite.cronJobName, namespace, labels },
      spec: {
        schedule: backup.schedule,
        ...NIGHTLY_CRON_JOB,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 1,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: "Never",
                ...common.pod,
                container: [
                  {
                    ...container("backup", "nightly-backup.sh", backup.resources),
                    env: [
                      ...common.env,
                      // Its own read-only account, never root (constructs/database-scripts.ts, backupGrants).
                      env("DB_USER", database.backupUser),
                      password(SECRET_KEYS.database.backupPassword),
                      env("SEI_DATABASE", database.seiDatabase),
                      env("SIP_DATABASE", database.sipDatabase),
                      env("DOCUMENTS", mounts.documents),
                    ],
                    volumeMount: [...common.mounts, { name: "documents", mountPath: mounts.documents, readOnly: true }],
                  },
                ],
                volume: [
                  ...common.volumes,
                  { name: "documents", persistentVolumeClaim: { claimName: props.documentsClaimName, readOnly: true } },
                ],
              },
            },
          },
        },
      },
    });

    this.shipper = new DeploymentV1(this, "BinlogShipper", {
      metadata: { name: shipper.name, namespace, labels: { ...shipper.labels } },
      spec: {
        replicas: "1",
        selector: { matchLabels: { ...shipper.labels } },
        // Two readers with one replica id cut each other off, and the quota counts one: never two at once.
        strategy: { type: "Recreate" },
        template: {
          metadata: { labels: { ...shipper.labels } },
          spec: {
            ...common.pod,
            terminationGracePeriodSeconds: shipper.stopGraceSeconds,
            container: [
              {
                ...container("binlog-shipper", "binlog-shipper.sh", shipper.resources),
                env: [
                  ...common.env,
                  // REPLICATION SLAVE and BINLOG MONITOR only (binlogShipperGrants).
                  env("DB_USER", shipper.user),
                  password(SECRET_KEYS.binlogShipper.password),
                  env("BINLOG_DIR", shipper.binlogDir),
                  env("STATUS_FILE", shipper.statusFile),
                  env("SERVER_ID", shipper.serverId),
                  env("SHIP_INTERVAL_SECONDS", shipper.intervalSeconds),
                  env("KEEP_LOCAL_HOURS", shipper.keepLocalHours),
                ],
                volumeMount: [...common.mounts, { name: "binlogs", mountPath: shipper.binlogDir }],
              },
            ],
            // The tier's room for 48 h of binlogs, not the backup's scratch: a busy instance outgrows that.
            volume: [...common.volumes, { name: "binlogs", emptyDir: { sizeLimit: formatBytes(shipper.binlogBytes) } }],
          },
        },
      },
      // The repository is made by `sei-infra backups provision` after the apply: the apply waits for no shipper.
      waitForRollout: false,
    });
  }
}
