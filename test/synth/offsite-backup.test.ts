/**
 * The store-backed backup pods (docs/offsite-backups.md, "What the stack runs"): with a store, a production
 * instance gets the nightly CronJob running nightly-backup.sh and the one-replica binlog shipper
 * running binlog-shipper.sh, both from the database image, with the Secret sei-backup-store as
 * their environment, restic's writable folders as emptyDirs under a read-only root, the restricted
 * security context and the backup label the store's egress policy selects; the shipper's account
 * is made by the database pod's accounts script with a generated password that cdktf.out only
 * references. Without a store nothing of it appears (the example fleet's snapshots cover that).
 */
import { afterAll, describe, expect, it } from "vitest";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { formatBytes } from "../../core/quantity.ts";
import { cleanScratch, resourcesOf, synthStack, type StackJson } from "./support.ts";
import { planWithStore } from "./backup-store-plan.ts";

afterAll(cleanScratch);

function plan(options: { store: boolean; ca?: boolean; phase?: "production" | "training" }) {
  const phase = options.phase ?? "production";
  return options.store
    ? planWithStore(undefined, { phase, ca: options.ca !== false })
    : examplePlan({ tier: "medio", phase });
}

interface Container {
  name: string;
  image: string;
  command: string[];
  env?: { name: string; value?: string; value_from?: { secret_key_ref: { name: string; key: string } } }[];
  env_from?: { secret_ref: { name: string } }[];
  volume_mount: { name: string; mount_path: string; read_only?: boolean }[];
  security_context: Record<string, unknown>;
  resources: unknown;
}
interface PodSpec {
  security_context: Record<string, unknown>;
  automount_service_account_token: boolean;
  container: Container[];
  init_container?: Container[];
  volume: { name: string; empty_dir?: { size_limit: string }; secret?: unknown; persistent_volume_claim?: unknown }[];
}
interface Pod {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}

function named<T extends { metadata: { name: string } }>(json: StackJson, type: string, name: string): T | undefined {
  return (Object.values(resourcesOf(json, type)) as unknown as T[]).find((r) => r.metadata.name === name);
}
const cronJob = (json: StackJson, name: string) =>
  named<{ metadata: { name: string }; spec: { schedule: string; job_template: { spec: { template: Pod } } } }>(
    json,
    "kubernetes_cron_job_v1",
    name,
  );
const deployment = (json: StackJson, name: string) =>
  named<{ metadata: { name: string }; spec: { replicas: string; strategy: { type: string }; template: Pod } }>(
    json,
    "kubernetes_deployment_v1",
    name,
  );
/** The database credentials Secret, by reference (so the pods come after it). */
const credentialsRef = expect.stringMatching(
  /^\$\{kubernetes_secret_v1\.Database_Credentials_\w+\.metadata\[0\]\.name\}$/,
);
const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.value_from]));
const mountsOf = (c: Container) => Object.fromEntries(c.volume_mount.map((m) => [m.mount_path, m]));

describe("a production instance on a cluster with a backup store", () => {
  const p = plan({ store: true });
  const offsite = p.backup!.offsite!;
  const { json, text } = synthStack(p);

  it("runs the nightly store backup from the database image, with the store's Secret, CA and writable folders", () => {
    const job = cronJob(json, offsite.cronJobName)!;
    expect(job.spec.schedule).toBe(p.backup!.schedule);
    const pod = job.spec.job_template.spec.template;
    expect(pod.metadata.labels["app.kubernetes.io/component"]).toBe("backup");
    const [c] = pod.spec.container;
    expect(c!.image).toBe(p.database.image);
    expect(c!.command).toEqual(["/bin/bash", "/opt/sei-offsite/nightly-backup.sh"]);
    expect(c!.env_from).toEqual([{ secret_ref: { name: "sei-backup-store" } }]);
    expect(envOf(c!)).toMatchObject({
      MUNICIPALITY: "exemplo",
      DB_HOST: p.database.serviceName,
      DB_USER: p.database.backupUser,
      MYSQL_PWD: { secret_key_ref: { name: credentialsRef, key: "DB_BACKUP_PASSWORD" } },
      DOCUMENTS: "/documents",
      TMPDIR: "/tmp",
      RESTIC_CACHE_DIR: "/var/cache/restic",
      BACKUP_STORE_CA: "/etc/sei-backup-store/ca.crt",
    });
    const mounts = mountsOf(c!);
    expect(mounts["/documents"]?.read_only).toBe(true);
    expect(mounts["/etc/sei-backup-store"]?.read_only).toBe(true);
    expect(mounts["/tmp"]?.read_only).toBeFalsy();
    expect(mounts["/var/cache/restic"]?.read_only).toBeFalsy();
    const volumes = Object.fromEntries(pod.spec.volume.map((v) => [v.name, v]));
    expect(volumes[mounts["/tmp"]!.name]?.empty_dir).toBeDefined();
    expect(volumes[mounts["/var/cache/restic"]!.name]?.empty_dir).toBeDefined();
    expect(volumes[mounts["/etc/sei-backup-store"]!.name]?.secret).toEqual({
      secret_name: "sei-backup-store",
      items: [{ key: "ca.crt", path: "ca.crt" }],
    });
    expect(c!.security_context).toMatchObject({ read_only_root_filesystem: true, allow_privilege_escalation: false });
    expect(pod.spec.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "999" });
    expect(pod.spec.automount_service_account_token).toBe(false);
  });

  it("runs one binlog shipper from the database image with its own account and emptyDirs", () => {
    const shipper = deployment(json, offsite.shipper.name)!;
    expect(shipper.spec.replicas).toBe("1");
    // Two readers with one replica id would cut each other off: never two at once.
    expect(shipper.spec.strategy.type).toBe("Recreate");
    const pod = shipper.spec.template;
    expect(pod.metadata.labels["app.kubernetes.io/component"]).toBe("backup");
    const [c] = pod.spec.container;
    expect(c!.image).toBe(p.database.image);
    expect(c!.command).toEqual(["/bin/bash", "/opt/sei-offsite/binlog-shipper.sh"]);
    expect(c!.env_from).toEqual([{ secret_ref: { name: "sei-backup-store" } }]);
    expect(envOf(c!)).toMatchObject({
      DB_USER: offsite.shipper.user,
      MYSQL_PWD: { secret_key_ref: { name: credentialsRef, key: "DB_BINLOG_SHIPPER_PASSWORD" } },
      BINLOG_DIR: "/var/lib/sei-binlogs",
      SERVER_ID: String(offsite.shipper.serverId),
      TMPDIR: "/tmp",
      RESTIC_CACHE_DIR: "/var/cache/restic",
    });
    const mounts = mountsOf(c!);
    const volumes = Object.fromEntries(pod.spec.volume.map((v) => [v.name, v]));
    for (const path of ["/var/lib/sei-binlogs", "/tmp", "/var/cache/restic"]) {
      expect(volumes[mounts[path]!.name]?.empty_dir, path).toBeDefined();
    }
    expect(pod.spec.volume.some((v) => v.persistent_volume_claim)).toBe(false);
    expect(c!.security_context).toMatchObject({ read_only_root_filesystem: true });
    expect(pod.spec.security_context).toMatchObject({ run_as_non_root: true });
  });

  it("has the database pod create the shipper's account with only the replica grants, its password generated", () => {
    const credentials = named<{ metadata: { name: string }; data: Record<string, string> }>(
      json,
      "kubernetes_secret_v1",
      p.secrets.database,
    )!;
    expect(credentials.data.DB_BINLOG_SHIPPER_PASSWORD).toMatch(/^\$\{random_password\.[^}]+\.result\}$/);
    const config = named<{ metadata: { name: string }; data: Record<string, string> }>(
      json,
      "kubernetes_config_map_v1",
      p.database.configMapName,
    )!;
    const accounts = config.data["accounts.sh"]!;
    expect(accounts).toContain(`GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '${offsite.shipper.user}'@'%';`);
    expect(accounts).toContain(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${offsite.shipper.user}'@'%';`);
    const statefulSet = named<{ metadata: { name: string }; spec: { template: Pod } }>(
      json,
      "kubernetes_stateful_set_v1",
      p.database.statefulSetName,
    )!;
    const init = statefulSet.spec.template.spec.init_container![0]!;
    expect(envOf(init).DB_BINLOG_SHIPPER_PASSWORD).toEqual({
      secret_key_ref: { name: credentialsRef, key: "DB_BINLOG_SHIPPER_PASSWORD" },
    });
  });

  it("counts the shipper, with its binlog room, and the nightly job in the quota", () => {
    const backup = p.workloads.filter((w) => w.component === "backup");
    const tier = p.backup!.resources;
    const room = 4 * 2 ** 30; // tiers/medio.yaml spec.backup.binlogStorage
    expect(offsite.shipper.binlogBytes).toBe(room);
    expect(backup).toEqual([
      { component: "backup", minReplicas: 0, maxReplicas: 1, resources: tier },
      {
        component: "backup",
        minReplicas: 1,
        maxReplicas: 1,
        resources: {
          requests: { ...tier.requests, ephemeralStorageBytes: tier.requests.ephemeralStorageBytes + room },
          limits: { ...tier.limits, ephemeralStorageBytes: tier.limits.ephemeralStorageBytes + room },
        },
      },
    ]);
    const quota = Object.values(resourcesOf(json, "kubernetes_resource_quota_v1"))[0] as {
      spec: { hard: Record<string, string> };
    };
    expect(quota.spec.hard["limits.ephemeral-storage"]).toBe(formatBytes(p.quota.limits.ephemeralStorageBytes));
  });

  it("gives the shipper's binlog folder the tier's room, and its container that much more ephemeral storage", () => {
    const pod = deployment(json, offsite.shipper.name)!.spec.template;
    const [c] = pod.spec.container;
    const binlogs = pod.spec.volume.find((v) => v.name === mountsOf(c!)["/var/lib/sei-binlogs"]!.name)!;
    expect(binlogs.empty_dir).toEqual({ size_limit: "4Gi" });
    expect(c!.resources).toMatchObject({
      requests: { "ephemeral-storage": formatBytes(64 * 2 ** 20 + 4 * 2 ** 30) },
      limits: { "ephemeral-storage": formatBytes(256 * 2 ** 20 + 4 * 2 ** 30) },
    });
    // The nightly job keeps the backup's own.
    const nightly = cronJob(json, offsite.cronJobName)!.spec.job_template.spec.template.spec.container[0]!;
    expect(nightly.resources).toMatchObject({ limits: { "ephemeral-storage": "256Mi" } });
  });

  it("writes no password in clear into cdktf.out", () => {
    // Every value of random_password is a reference; no literal of a secret shape appears.
    expect(text).not.toMatch(/MYSQL_PWD"?\s*[:=]\s*"[A-Za-z0-9]{16,}"/);
    expect(text).not.toMatch(/IDENTIFIED BY '[A-Za-z0-9]/);
  });

  it("leaves the CA mount out where the store has no CA", () => {
    const withoutCa = plan({ store: true, ca: false });
    const json = synthStack(withoutCa).json;
    for (const pod of [
      cronJob(json, offsite.cronJobName)!.spec.job_template.spec.template,
      deployment(json, offsite.shipper.name)!.spec.template,
    ]) {
      expect(envOf(pod.spec.container[0]!).BACKUP_STORE_CA).toBeUndefined();
      expect(pod.spec.volume.some((v) => v.secret)).toBe(false);
    }
  });
});

describe("without the store's pods", () => {
  it("has no store-backed CronJob, no shipper and no shipper account on a cluster without a store", () => {
    const p = plan({ store: false });
    expect(p.backup!.offsite).toBeNull();
    const { json, text } = synthStack(p);
    expect(resourcesOf(json, "kubernetes_deployment_v1")).toEqual({});
    expect(Object.keys(resourcesOf(json, "kubernetes_cron_job_v1"))).toHaveLength(1);
    expect(text).not.toContain("DB_BINLOG_SHIPPER_PASSWORD");
  });

  it("runs no store backup before production, as no backup runs then", () => {
    const p = plan({ store: true, phase: "training" });
    expect(p.backup).toBeNull();
    const { json } = synthStack(p);
    expect(resourcesOf(json, "kubernetes_deployment_v1")).toEqual({});
    expect(resourcesOf(json, "kubernetes_cron_job_v1")).toEqual({});
  });
});
