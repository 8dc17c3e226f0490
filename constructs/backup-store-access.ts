/**
 * How a pod reaches its cluster's backup store: what the backup pods (offsite-backup.ts), the restore Jobs from the
 * store (restore/job.ts), the claim's migration (backups/migrate-claim-job.ts) and the restore drill
 * (fleet/drill/scratch-namespace.ts) share. Plain objects, no cdktf, so the commands that apply these Jobs do not load it.
 */
import { SECRET_KEYS } from "../core/naming.ts";
import type { BackupStorePlan, OffsiteBackupPlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";
import { plainEnv } from "./container-env.ts";

/** What a pod gets to reach the store: environment, the Secret as environment, mounts and volumes. */
export interface StoreAccess {
  // Mutable arrays: the Terraform provider's types (offsite-backup.ts) take no readonly ones.
  readonly env: { name: string; value: string }[];
  readonly envFrom: { secretRef: { name: string } }[];
  readonly mounts: { name: string; mountPath: string; readOnly?: boolean }[];
  readonly volumes: (
    | { name: string; emptyDir: { sizeLimit: string } }
    | { name: string; secret: { secretName: string; items: { key: string; path: string }[] } }
  )[];
}

/**
 * The store's credential: the Secret whole as the pod's environment, and the store's CA as a file where it has one.
 * A pod that keeps restic's folders elsewhere (a drill's scratch claim) takes only this.
 */
export function storeCredentials(store: BackupStorePlan, offsite: OffsiteBackupPlan): StoreAccess {
  const { mounts } = offsite;
  const caFile = store.ca ? `${mounts.storeCa}/${SECRET_KEYS.backupStore.ca}` : null;
  return {
    env: caFile ? [plainEnv("BACKUP_STORE_CA", caFile)] : [],
    envFrom: [{ secretRef: { name: store.secretName } }],
    mounts: caFile ? [{ name: "store-ca", mountPath: mounts.storeCa, readOnly: true }] : [],
    volumes: caFile
      ? [
          {
            name: "store-ca",
            secret: {
              secretName: store.secretName,
              items: [{ key: SECRET_KEYS.backupStore.ca, path: SECRET_KEYS.backupStore.ca }],
            },
          },
        ]
      : [],
  };
}

/**
 * The store's credential, and restic's writable folders under a read-only root: its TMPDIR and its cache
 * (RESTIC_CACHE_DIR), each an emptyDir of `scratchBytes` at the plan's mount point.
 */
export function storeAccess(store: BackupStorePlan, offsite: OffsiteBackupPlan, scratchBytes: number): StoreAccess {
  const { mounts } = offsite;
  const credentials = storeCredentials(store, offsite);
  const scratch = (name: string) => ({ name, emptyDir: { sizeLimit: formatBytes(scratchBytes) } });
  return {
    env: [plainEnv("TMPDIR", mounts.tmp), plainEnv("RESTIC_CACHE_DIR", mounts.cache), ...credentials.env],
    envFrom: credentials.envFrom,
    mounts: [{ name: "tmp", mountPath: mounts.tmp }, { name: "cache", mountPath: mounts.cache }, ...credentials.mounts],
    volumes: [scratch("tmp"), scratch("cache"), ...credentials.volumes],
  };
}
