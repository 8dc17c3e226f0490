/**
 * The Jobs of a restore (docs/restore.md), from the instance's plan: the
 * database image (it has the mariadb client, gzip and coreutils), the backup
 * volume read-only, the document repository, a database password by Secret
 * reference. Their pods carry the backup component's labels, so the
 * namespace's NetworkPolicies let them reach the database and nothing else,
 * and the quota's backup slot holds them. They run as the app image's user, so
 * the restored documents belong to the user that wrote them.
 *
 * - `sei-restore-check` only reads (both volumes mounted read-only, the
 *   backup's read-only database account): it lists the sets and checks one and
 *   the target while the instance keeps running.
 * - `sei-restore` restores one set, as the administrator (restore/script.ts
 *   says what runs with which rights).
 */
import { IMAGES } from "../core/image-contract.ts";
import { SECRET_KEYS, componentLabels } from "../core/naming.ts";
import type { InstancePlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";
import { renderResources } from "../constructs/render.ts";
import { BACKUP_MOUNTS } from "../constructs/database-scripts.ts";
import { restrictedContainerSecurityContext } from "../constructs/security.ts";
import { inspectScript } from "./inspect-script.ts";
import { restoreScript } from "./script.ts";

export const RESTORE_JOB_NAME = "sei-restore";

/** How long the Job may run: large document repositories take hours to copy. */
const DEADLINE_SECONDS = 6 * 3600;

export const INSPECT_JOB_NAME = "sei-restore-check";

/** How long the check may run: it reads every set's size and tests one set's dumps. */
const INSPECT_DEADLINE_SECONDS = 3600;

export function restoreJob(plan: InstancePlan, set: string): Record<string, unknown> {
  return jobOf(plan, {
    name: RESTORE_JOB_NAME,
    deadlineSeconds: DEADLINE_SECONDS,
    script: restoreScript(),
    set,
    writesDocuments: true,
    account: { userEnv: "DB_ADMIN_USER", user: plan.database.adminUser, key: SECRET_KEYS.database.rootPassword },
  });
}

/** The read-only check: every set there is, and `set` (when given) and the target in depth. */
export function inspectJob(plan: InstancePlan, set?: string): Record<string, unknown> {
  return jobOf(plan, {
    name: INSPECT_JOB_NAME,
    deadlineSeconds: INSPECT_DEADLINE_SECONDS,
    script: inspectScript(),
    set: set ?? "",
    writesDocuments: false,
    account: { userEnv: "DB_USER", user: plan.database.backupUser, key: SECRET_KEYS.database.backupPassword },
  });
}

interface JobSpec {
  readonly name: string;
  readonly deadlineSeconds: number;
  readonly script: string;
  readonly set: string;
  readonly writesDocuments: boolean;
  /** The database account the script connects as, and the Secret key of its password. */
  readonly account: { readonly userEnv: string; readonly user: string; readonly key: string };
}

function jobOf(plan: InstancePlan, spec: JobSpec): Record<string, unknown> {
  const { database, backup } = plan;
  if (!backup)
    throw new Error(
      `${plan.municipality.name} is in phase ${plan.municipality.phase}: backups (and so restores) come with production`,
    );
  const labels = { ...componentLabels("backup"), ...(spec.set ? { "sei.mg.gov.br/restore-set": spec.set } : {}) };
  const env = (name: string, value: string | number) => ({ name, value: String(value) });
  const uid = IMAGES.app.uid;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: spec.name, namespace: plan.namespace.name, labels },
    spec: {
      // A failed restore is for a person to read: it changed nothing, and a retry would do the same.
      backoffLimit: 0,
      activeDeadlineSeconds: spec.deadlineSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: plan.serviceAccountName,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          imagePullSecrets: database.imagePullSecrets.map((name) => ({ name })),
          // No fsGroup: the backup volume is only read, and its ownership stays the backup's.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: uid,
            runAsGroup: IMAGES.app.gid,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "restore",
              image: database.image,
              command: ["/bin/bash", "-c", spec.script],
              env: [
                env("RESTORE_SET", spec.set),
                env("DB_HOST", database.serviceName),
                env("DB_PORT", database.port),
                env(spec.account.userEnv, spec.account.user),
                {
                  name: "MYSQL_PWD",
                  valueFrom: { secretKeyRef: { name: plan.secrets.database, key: spec.account.key } },
                },
                env("SEI_DATABASE", database.seiDatabase),
                env("SIP_DATABASE", database.sipDatabase),
                env("BACKUPS", BACKUP_MOUNTS.backups),
                env("DOCUMENTS", BACKUP_MOUNTS.documents),
              ],
              resources: renderResources(backup.resources),
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: "backups", mountPath: BACKUP_MOUNTS.backups, readOnly: true },
                { name: "documents", mountPath: BACKUP_MOUNTS.documents, readOnly: !spec.writesDocuments },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "backups", persistentVolumeClaim: { claimName: backupClaimName(plan), readOnly: true } },
            {
              name: "documents",
              persistentVolumeClaim: { claimName: plan.volumes.documents.claimName, readOnly: !spec.writesDocuments },
            },
            { name: "tmp", emptyDir: { sizeLimit: formatBytes(backup.tmpBytes) } },
          ],
        },
      },
    },
  };
}

/** The claim the sets are on; cli/restore.ts refuses an instance without one before anything runs. */
export function backupClaimName(plan: InstancePlan): string {
  if (!plan.volumes.backup) throw new Error(`${plan.municipality.name} has no backup claim`);
  return plan.volumes.backup.claimName;
}
