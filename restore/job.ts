/**
 * The restore Job of one instance (docs/restore.md), from its plan: the
 * database image (it has the mariadb client, gzip and coreutils), the backup
 * volume read-only, the document repository, the administrator's password by
 * Secret reference. Its pod carries the backup component's labels, so the
 * namespace's NetworkPolicies let it reach the database and nothing else, and
 * the quota's backup slot holds it. It runs as the app image's user, so the
 * restored documents belong to the user that wrote them.
 */
import { IMAGES } from "../core/image-contract.ts";
import { SECRET_KEYS, componentLabels } from "../core/naming.ts";
import type { InstancePlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";
import { renderResources } from "../constructs/render.ts";
import { BACKUP_MOUNTS } from "../constructs/database-scripts.ts";
import { restrictedContainerSecurityContext } from "../constructs/security.ts";
import { restoreScript } from "./script.ts";

export const RESTORE_JOB_NAME = "sei-restore";

/** How long the Job may run: large document repositories take hours to copy. */
const DEADLINE_SECONDS = 6 * 3600;

export function restoreJob(plan: InstancePlan, set: string): Record<string, unknown> {
  const { database, backup } = plan;
  if (!backup)
    throw new Error(
      `${plan.municipality.name} is in phase ${plan.municipality.phase}: backups (and so restores) come with production`,
    );
  const labels = { ...componentLabels("backup"), "sei.mg.gov.br/restore-set": set };
  const env = (name: string, value: string | number) => ({ name, value: String(value) });
  const uid = IMAGES.app.uid;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: RESTORE_JOB_NAME, namespace: plan.namespace.name, labels },
    spec: {
      // A failed restore is for a person to read: it changed nothing, and a retry would do the same.
      backoffLimit: 0,
      activeDeadlineSeconds: DEADLINE_SECONDS,
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
              command: ["/bin/bash", "-c", restoreScript()],
              env: [
                env("RESTORE_SET", set),
                env("DB_HOST", database.serviceName),
                env("DB_PORT", database.port),
                env("DB_ADMIN_USER", database.adminUser),
                {
                  name: "MYSQL_PWD",
                  valueFrom: { secretKeyRef: { name: plan.secrets.database, key: SECRET_KEYS.database.rootPassword } },
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
                { name: "documents", mountPath: BACKUP_MOUNTS.documents },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "backups", persistentVolumeClaim: { claimName: plan.volumes.backup.claimName, readOnly: true } },
            { name: "documents", persistentVolumeClaim: { claimName: plan.volumes.documents.claimName } },
            { name: "tmp", emptyDir: { sizeLimit: formatBytes(backup.tmpBytes) } },
          ],
        },
      },
    },
  };
}
