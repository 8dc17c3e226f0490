/**
 * The Job of `sei-infra backups migrate-claim` (docs/backups.md, "Existing backup claims"): the
 * database image's images/database/offsite/migrate-claim-sets.sh with the legacy backup claim
 * mounted read-only, the namespace's store Secret as its environment, and the pods' scratch as
 * the store's nightly job has it. It carries the backup component's labels, so the namespace's
 * NetworkPolicies let it reach the store's network and nothing else, and the quota's backup slot
 * holds it. It runs as the database image's user, which wrote the sets.
 */
import { IMAGES } from "../core/image-contract.ts";
import type { OffsiteInstancePlan } from "../core/plan.ts";
import { restrictedPodSpec } from "../core/pod-security.ts";
import { renderResources } from "../constructs/render.ts";
import { BACKUP_MOUNTS } from "../constructs/database-scripts.ts";
import { storeAccess } from "../constructs/backup-store-access.ts";
import { storeJob } from "../constructs/store-job.ts";
import { plainEnv as env } from "../constructs/container-env.ts";

export const MIGRATE_JOB_NAME = "sei-migrate-claim";

/** Uploading and hashing a claim of hundreds of GiB twice takes hours; the command waits as long. */
export const MIGRATE_DEADLINE_SECONDS = 24 * 3600;

/**
 * The Job; the plan has a backup claim (the caller checked). A failed run changed nothing but the store, which a
 * second run completes.
 */
export function migrateClaimJob(plan: OffsiteInstancePlan): Record<string, unknown> {
  const { backup, backupStore: store, volumes } = plan;
  if (!volumes.backup) throw new Error(`${plan.municipality.name}: no backup claim to migrate from`);
  return storeJob(
    {
      metadata: { name: MIGRATE_JOB_NAME, namespace: plan.namespace.name, labels: { ...backup.labels } },
      deadlineSeconds: MIGRATE_DEADLINE_SECONDS,
      pod: restrictedPodSpec({
        serviceAccountName: plan.serviceAccountName,
        imagePullSecrets: plan.database.imagePullSecrets,
        user: IMAGES.database,
        optOut: { fsGroup: "the claim is only read, and its ownership stays the backup's" },
      }),
      container: {
        name: "migrate",
        image: backup.image,
        command: ["/bin/bash", `${backup.offsite.scriptsDir}/migrate-claim-sets.sh`],
        env: [env("MUNICIPALITY", plan.municipality.name), env("CLAIM", BACKUP_MOUNTS.backups)],
        resources: renderResources(backup.resources),
        volumeMounts: [{ name: "claim", mountPath: BACKUP_MOUNTS.backups, readOnly: true }],
      },
      volumes: [{ name: "claim", persistentVolumeClaim: { claimName: volumes.backup.claimName, readOnly: true } }],
    },
    storeAccess(store, backup.offsite, backup.tmpBytes),
  );
}
