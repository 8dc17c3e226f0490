/**
 * How a pod reaches its cluster's backup store: what the backup pods (offsite-backup.ts) and the
 * restore Jobs from the store (restore/job.ts) share. Plain objects, no cdktf, so the restore
 * command does not load it.
 */
import { SECRET_KEYS } from "../core/naming.ts";
import type { BackupStorePlan, OffsiteBackupPlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";

/**
 * How a pod reaches the store (here, and in restore/job.ts): the Secret whole as its environment,
 * restic's cache folder (an emptyDir of `scratchBytes`), and the store's CA as a file where it has one.
 */
export function storeAccess(store: BackupStorePlan, offsite: OffsiteBackupPlan, scratchBytes: number) {
  const { mounts } = offsite;
  const caFile = store.ca ? `${mounts.storeCa}/${SECRET_KEYS.backupStore.ca}` : null;
  return {
    env: [
      { name: "RESTIC_CACHE_DIR", value: mounts.cache },
      ...(caFile ? [{ name: "BACKUP_STORE_CA", value: caFile }] : []),
    ],
    envFrom: [{ secretRef: { name: store.secretName } }],
    mounts: [
      { name: "cache", mountPath: mounts.cache },
      ...(caFile ? [{ name: "store-ca", mountPath: mounts.storeCa, readOnly: true }] : []),
    ],
    volumes: [
      { name: "cache", emptyDir: { sizeLimit: formatBytes(scratchBytes) } },
      ...(caFile
        ? [
            {
              name: "store-ca",
              secret: {
                secretName: store.secretName,
                items: [{ key: SECRET_KEYS.backupStore.ca, path: SECRET_KEYS.backupStore.ca }],
              },
            },
          ]
        : []),
    ],
  };
}
