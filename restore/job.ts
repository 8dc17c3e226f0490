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
 * - `sei-restore` restores one set, as the administrator (restore/restore.sh
 *   says what runs with which rights).
 *
 * From the backup store (docs/offsite-backups.md) the same two names: the check
 * reads the repository with the namespace's own store Secret (restic
 * --no-lock) and the target; the restore builds the set of a time and loads it
 * (restore/store-restore.sh). They get the Secret `sei-backup-store` as
 * their environment, as the backup pods do, and no backup claim.
 */
import { IMAGES } from "../core/image-contract.ts";
import { SECRET_KEYS, componentLabels } from "../core/naming.ts";
import { hasOffsiteBackups, type ComputeResources, type InstancePlan } from "../core/plan.ts";
import { formatBytes } from "../core/quantity.ts";
import { renderResources } from "../constructs/render.ts";
import { BACKUP_MOUNTS } from "../constructs/database-scripts.ts";
import { storeAccess } from "../constructs/backup-store-access.ts";
import { runOnceJob, storeJob, type RunOnceJob } from "../constructs/store-job.ts";
import { plainEnv as env, secretEnv } from "../constructs/container-env.ts";
import { restrictedPodSpec } from "../core/pod-security.ts";
import { noOffsiteBackups } from "../shell/messages.ts";
import { RESTORE_SCRIPTS } from "./scripts.ts";

export const RESTORE_JOB_NAME = "sei-restore";

export const INSPECT_JOB_NAME = "sei-restore-check";

/**
 * How long the check may run: it reads every set's size and tests one set's dumps (gzip -t), or
 * lists and sizes the store's snapshots; it copies nothing, so an hour holds for any instance.
 */
const INSPECT_DEADLINE_SECONDS = 3600;

/**
 * `deadlineSeconds`: what the command waits for it (`--timeout`, by default the plan's
 * backup.restoreDeadlineSeconds), so the cluster never stops a Job the command still waits for.
 */
export function restoreJob(plan: InstancePlan, set: string, deadlineSeconds: number): Record<string, unknown> {
  return jobOf(plan, {
    name: RESTORE_JOB_NAME,
    deadlineSeconds,
    script: RESTORE_SCRIPTS.restore,
    set,
    writesDocuments: true,
    account: adminAccount(plan),
    source: "volume",
  });
}

/** The read-only check: every set there is, and `set` (when given) and the target in depth. */
export function inspectJob(plan: InstancePlan, set?: string): Record<string, unknown> {
  return jobOf(plan, {
    name: INSPECT_JOB_NAME,
    deadlineSeconds: INSPECT_DEADLINE_SECONDS,
    script: RESTORE_SCRIPTS.inspect,
    set: set ?? "",
    writesDocuments: false,
    account: backupAccount(plan),
    source: "volume",
    env: { TARGET_INSPECTION_SCRIPT: RESTORE_SCRIPTS.targetInspection },
  });
}

/** The read-only check of the backup store: its snapshots and the target. */
export function storeInspectJob(plan: InstancePlan): Record<string, unknown> {
  return jobOf(plan, {
    name: INSPECT_JOB_NAME,
    deadlineSeconds: INSPECT_DEADLINE_SECONDS,
    script: RESTORE_SCRIPTS.storeInspect,
    set: "",
    writesDocuments: false,
    account: backupAccount(plan),
    source: "store",
    env: { TARGET_INSPECTION_SCRIPT: RESTORE_SCRIPTS.targetInspection },
  });
}

/**
 * The restore of a point in time from the backup store: `set` names the set it builds (the day of
 * the time), `point` is point-in-time-set.sh's environment (restic-points.ts, choosePointInTime).
 * It runs only while the app is stopped, so it takes the app's resources (its room in the quota):
 * the set is built in a scratch database server, which the backup's few hundred MiB would not hold.
 * `deadlineSeconds` as restoreJob's.
 */
export function storeRestoreJob(
  plan: InstancePlan,
  set: string,
  point: Readonly<Record<string, string>>,
  deadlineSeconds: number,
): Record<string, unknown> {
  const app = plan.workloads.find((w) => w.component === "app");
  return jobOf(plan, {
    name: RESTORE_JOB_NAME,
    deadlineSeconds,
    script: RESTORE_SCRIPTS.storeRestore,
    set,
    writesDocuments: true,
    account: adminAccount(plan),
    source: "store",
    env: { ...point, RESTORE_SCRIPT: RESTORE_SCRIPTS.restore },
    ...(app ? { resources: app.resources } : {}),
  });
}

const adminAccount = (plan: InstancePlan) => ({
  userEnv: "DB_ADMIN_USER",
  user: plan.database.adminUser,
  key: SECRET_KEYS.database.rootPassword,
});
const backupAccount = (plan: InstancePlan) => ({
  userEnv: "DB_USER",
  user: plan.database.backupUser,
  key: SECRET_KEYS.database.backupPassword,
});

interface JobSpec {
  readonly name: string;
  readonly deadlineSeconds: number;
  readonly script: string;
  readonly set: string;
  readonly writesDocuments: boolean;
  /** The database account the script connects as, and the Secret key of its password. */
  readonly account: { readonly userEnv: string; readonly user: string; readonly key: string };
  /** Where the sets come from: the backup claim (mounted read-only), or the backup store (its Secret). */
  readonly source: "volume" | "store";
  /** More environment variables. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** @default the backup's */
  readonly resources?: ComputeResources;
}

function jobOf(plan: InstancePlan, spec: JobSpec): Record<string, unknown> {
  const { database, backup } = plan;
  if (!backup)
    throw new Error(
      `${plan.municipality.name} is in phase ${plan.municipality.phase}: backups (and so restores) come with production`,
    );
  const labels = { ...componentLabels("backup"), ...(spec.set ? { "sei.mg.gov.br/restore-set": spec.set } : {}) };
  const jobWith = (parts: SourceParts): RunOnceJob => ({
    metadata: { name: spec.name, namespace: plan.namespace.name, labels },
    deadlineSeconds: spec.deadlineSeconds,
    pod: restrictedPodSpec({
      serviceAccountName: plan.serviceAccountName,
      imagePullSecrets: database.imagePullSecrets,
      user: IMAGES.app,
      optOut: { fsGroup: "the backup volume is only read, and its ownership stays the backup's" },
    }),
    container: {
      name: "restore",
      image: database.image,
      command: ["/bin/bash", "-c", spec.script],
      env: [
        env("RESTORE_SET", spec.set),
        env("DB_HOST", database.serviceName),
        env("DB_PORT", database.port),
        env(spec.account.userEnv, spec.account.user),
        secretEnv("MYSQL_PWD", plan.secrets.database, spec.account.key),
        env("SEI_DATABASE", database.seiDatabase),
        env("SIP_DATABASE", database.sipDatabase),
        env("DOCUMENTS", BACKUP_MOUNTS.documents),
        ...parts.env,
        ...Object.entries(spec.env ?? {}).map(([name, value]) => env(name, value)),
      ],
      resources: renderResources(spec.resources ?? backup.resources),
      volumeMounts: [
        ...parts.mounts,
        { name: "documents", mountPath: BACKUP_MOUNTS.documents, readOnly: !spec.writesDocuments },
      ],
    },
    volumes: [
      ...parts.volumes,
      {
        name: "documents",
        persistentVolumeClaim: { claimName: plan.volumes.documents.claimName, readOnly: !spec.writesDocuments },
      },
    ],
  });
  if (spec.source === "volume") return runOnceJob(jobWith(volumeParts(plan, backup.tmpBytes)));
  // The store as the backup pods get it (constructs/offsite-backup.ts): its Secret, its CA, restic's folders.
  if (!hasOffsiteBackups(plan)) throw new Error(noOffsiteBackups(plan));
  return storeJob(
    jobWith({
      env: [env("MUNICIPALITY", plan.municipality.name), env("OFFSITE_SCRIPTS", plan.backup.offsite.scriptsDir)],
      mounts: [],
      volumes: [],
    }),
    storeAccess(plan.backupStore, plan.backup.offsite, backup.tmpBytes),
  );
}

/** What the sets' source adds to the container and the pod. */
interface SourceParts {
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly mounts: readonly Record<string, unknown>[];
  readonly volumes: readonly Record<string, unknown>[];
}

/** The backup claim, read-only, and a /tmp of the backup's scratch size (a store's Job gets its /tmp with its access). */
function volumeParts(plan: InstancePlan, tmpBytes: number): SourceParts {
  return {
    env: [env("BACKUPS", BACKUP_MOUNTS.backups)],
    mounts: [
      { name: "backups", mountPath: BACKUP_MOUNTS.backups, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ],
    volumes: [
      { name: "backups", persistentVolumeClaim: { claimName: backupClaimName(plan), readOnly: true } },
      { name: "tmp", emptyDir: { sizeLimit: formatBytes(tmpBytes) } },
    ],
  };
}

/** The claim the sets are on; cli/restore.ts refuses an instance without one before anything runs. */
export function backupClaimName(plan: InstancePlan): string {
  if (!plan.volumes.backup) throw new Error(`${plan.municipality.name} has no backup claim`);
  return plan.volumes.backup.claimName;
}
