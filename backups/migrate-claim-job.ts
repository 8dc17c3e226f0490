/**
 * The Job of `sei-infra backups migrate-claim` (docs/backups.md, "Existing backup claims"): the
 * database image's images/database/offsite/migrate-claim-sets.sh with the legacy backup claim
 * mounted read-only, the namespace's store Secret as its environment, and the pods' scratch as
 * the store's nightly job has it. It carries the backup component's labels, so the namespace's
 * NetworkPolicies let it reach the store's network and nothing else, and the quota's backup slot
 * holds it. It runs as the database image's user, which wrote the sets.
 */
import { IMAGES } from "../core/image-contract.ts";
import type { InstancePlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";
import { restrictedContainerSecurityContext, restrictedPodSpec } from "../core/pod-security.ts";
import { renderResources } from "../constructs/render.ts";
import { BACKUP_MOUNTS } from "../constructs/database-scripts.ts";
import { storeAccess } from "../constructs/backup-store-access.ts";

export const MIGRATE_JOB_NAME = "sei-migrate-claim";

/** Uploading and hashing a claim of hundreds of GiB twice takes hours. */
const DEADLINE_SECONDS = 24 * 3600;

/** The Job; the plan has a backup claim, a store and production backups (the caller checked). */
export function migrateClaimJob(plan: InstancePlan): Record<string, unknown> {
  const { backup, backupStore: store, volumes } = plan;
  const offsite = backup?.offsite;
  if (!backup || !offsite || !store || !volumes.backup)
    throw new Error(`${plan.municipality.name}: no backup claim, store and production backups to migrate between`);
  const { mounts } = offsite;
  const labels = { ...backup.labels };
  const env = (name: string, value: string) => ({ name, value });
  const access = storeAccess(store, offsite, backup.tmpBytes);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: MIGRATE_JOB_NAME, namespace: plan.namespace.name, labels },
    spec: {
      // A failed migration changed nothing but the store, which a second run completes: a person reads why first.
      backoffLimit: 0,
      activeDeadlineSeconds: DEADLINE_SECONDS,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          ...restrictedPodSpec({
            serviceAccountName: plan.serviceAccountName,
            imagePullSecrets: plan.database.imagePullSecrets,
            user: IMAGES.database,
            optOut: { fsGroup: "the claim is only read, and its ownership stays the backup's" },
          }),
          containers: [
            {
              name: "migrate",
              image: backup.image,
              command: ["/bin/bash", `${offsite.scriptsDir}/migrate-claim-sets.sh`],
              envFrom: access.envFrom,
              env: [
                env("MUNICIPALITY", plan.municipality.name),
                env("CLAIM", BACKUP_MOUNTS.backups),
                env("TMPDIR", mounts.tmp),
                ...access.env,
              ],
              resources: renderResources(backup.resources),
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: "claim", mountPath: BACKUP_MOUNTS.backups, readOnly: true },
                { name: "tmp", mountPath: mounts.tmp },
                ...access.mounts,
              ],
            },
          ],
          volumes: [
            { name: "claim", persistentVolumeClaim: { claimName: volumes.backup.claimName, readOnly: true } },
            { name: "tmp", emptyDir: { sizeLimit: formatBytes(backup.tmpBytes) } },
            ...access.volumes,
          ],
        },
      },
    },
  };
}
