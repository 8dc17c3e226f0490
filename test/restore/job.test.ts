/**
 * The restore Job as `sei-infra restore` applies it (restore/job.ts), and the
 * command's refusals that need no cluster. The Job runs for real in the
 * end-to-end suite (test/e2e/workloads.test.ts).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { RESTORE_SCRIPTS } from "../../restore/scripts.ts";
import { SECRET_KEYS, componentLabels } from "../../core/naming.ts";
import { formatBytes } from "../../core/quantity.ts";
import { INSPECT_JOB_NAME, inspectJob, restoreJob, storeInspectJob, storeRestoreJob } from "../../restore/job.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { KubernetesSchemas, helmTools, type Manifest } from "../chart/support.ts";
import { seiInfra } from "../cli/run.ts";
import { planWithStore } from "../synth/backup-store-plan.ts";
import { FixtureRepo, official } from "../../scripts/lib/fleet-repo.ts";

const plan = examplePlan({ tier: "pequeno-i", phase: "production" });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely: the test names the fields it checks
const job = restoreJob(plan, "2026-12-01", plan.backup!.restoreDeadlineSeconds) as any;
const pod = job.spec.template.spec;
const container = pod.containers[0];

describe("the restore Job's deadline", () => {
  it("is the plan's: time for a full medio's claims at the drill's 0.5 GiB/min, far beyond six hours", () => {
    const medio = examplePlan({ tier: "medio", phase: "production" });
    const claimsBytes = medio.volumes.database.storageBytes + medio.volumes.documents.storageBytes;
    const deadline = medio.backup!.restoreDeadlineSeconds;
    // tiers/: medio's claims are 60Gi and 400Gi, 920 min at 0.5 GiB/min, and an hour to spare.
    expect(deadline).toBe(3600 + (60 + 400) * 120);
    expect(deadline).toBeGreaterThanOrEqual(claimsBytes / ((0.5 * 1024 ** 3) / 60));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely, as above
    expect((restoreJob(medio, "2026-12-01", deadline) as any).spec.activeDeadlineSeconds).toBe(deadline);
  });

  it("is what the command waits: the timeout it is given, longer or shorter than the plan's", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely, as above
    expect((restoreJob(plan, "2026-12-01", 20 * 3600) as any).spec.activeDeadlineSeconds).toBe(20 * 3600);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely, as above
    expect((restoreJob(plan, "2026-12-01", 1800) as any).spec.activeDeadlineSeconds).toBe(1800);
  });
});

describe("the restore Job", () => {
  it("is a valid Kubernetes v1.37 Job", () => {
    const schemas = new KubernetesSchemas(helmTools().openApiDir);
    expect(schemas.validate(job as Manifest)).toEqual([]);
  });

  it("runs as the backup component, so the namespace's policies and quota slot apply to it", () => {
    expect(job.metadata.namespace).toBe(plan.namespace.name);
    expect(pod.serviceAccountName).toBe(plan.serviceAccountName);
    expect(job.spec.template.metadata.labels).toMatchObject(componentLabels("backup"));
    expect(container.resources).toEqual({
      requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
      limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "256Mi" },
    });
    // Its /tmp fits in its ephemeral storage with room for logs, as the backup's does.
    expect(pod.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: formatBytes(plan.backup!.tmpBytes) } });
    expect(plan.backup!.tmpBytes).toBeLessThan(plan.backup!.resources.limits.ephemeralStorageBytes);
  });

  it("meets the restricted Pod Security profile, as the app's user, without a token", () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 33,
      runAsGroup: 33,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("reads the backup volume only, writes the document repository, and takes the administrator's password by reference", () => {
    expect(pod.volumes).toContainEqual({
      name: "backups",
      persistentVolumeClaim: { claimName: "sei-backups", readOnly: true },
    });
    expect(pod.volumes).toContainEqual({
      name: "documents",
      persistentVolumeClaim: { claimName: "sei-documents", readOnly: false },
    });
    expect(container.volumeMounts).toContainEqual({ name: "backups", mountPath: "/backup", readOnly: true });
    expect(container.env).toContainEqual({
      name: "MYSQL_PWD",
      valueFrom: { secretKeyRef: { name: plan.secrets.database, key: SECRET_KEYS.database.rootPassword } },
    });
    expect(container.env).toContainEqual({ name: "DB_ADMIN_USER", value: "root" });
    expect(container.env).toContainEqual({ name: "RESTORE_SET", value: "2026-12-01" });
    expect(job.spec.backoffLimit).toBe(0);
  });

  it("has a read-only twin that checks before anything stops: both volumes read-only, the backup's read-only account", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely, as above
    const check = inspectJob(plan, "2026-12-01") as any;
    const checkPod = check.spec.template.spec;
    const checkContainer = checkPod.containers[0];
    expect(check.metadata.name).toBe(INSPECT_JOB_NAME);
    expect(new KubernetesSchemas(helmTools().openApiDir).validate(check as Manifest)).toEqual([]);
    for (const claim of ["sei-backups", "sei-documents"])
      expect(checkPod.volumes).toContainEqual(
        expect.objectContaining({ persistentVolumeClaim: { claimName: claim, readOnly: true } }),
      );
    expect(
      checkContainer.volumeMounts
        .filter((m: { readOnly?: boolean }) => m.readOnly)
        .map((m: { name: string }) => m.name),
    ).toEqual(["backups", "documents"]);
    expect(checkContainer.env).toContainEqual({ name: "DB_USER", value: plan.database.backupUser });
    expect(checkContainer.env).toContainEqual({
      name: "MYSQL_PWD",
      valueFrom: { secretKeyRef: { name: plan.secrets.database, key: SECRET_KEYS.database.backupPassword } },
    });
    expect(JSON.stringify(check)).not.toContain(SECRET_KEYS.database.rootPassword);
  });

  it.each([
    ["restore", () => RESTORE_SCRIPTS.restore],
    ["check", () => RESTORE_SCRIPTS.inspect],
    ["store's restore", () => RESTORE_SCRIPTS.storeRestore],
    ["store's check", () => RESTORE_SCRIPTS.storeInspect],
  ])("runs a %s script that passes shellcheck", (_, script) => {
    const result = spawnSync("shellcheck", ["--format=gcc", "--shell=bash", "-"], {
      input: script(),
      encoding: "utf8",
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("exists only for production instances, which have backups", () => {
    expect(() => restoreJob(examplePlan({ tier: "pequeno-i", phase: "training" }), "2026-12-01", 3600)).toThrow(
      /phase training: backups \(and so restores\) come with production/,
    );
  });
});

describe("the Jobs of a restore from the backup store", () => {
  const storePlan = planWithStore(undefined, { tier: "pequeno-i" });
  const point = { DUMP_SNAPSHOT: "a".repeat(64), STOP_DATETIME: "2026-12-07 13:15:00" };
  const deadline = storePlan.backup!.restoreDeadlineSeconds;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely, as above
  const jobs = [storeInspectJob(storePlan), storeRestoreJob(storePlan, "2026-12-07", point, deadline)] as any[];

  it("are valid Jobs that take the store Secret whole and its CA as a file, and mount no backup claim", () => {
    const schemas = new KubernetesSchemas(helmTools().openApiDir);
    for (const storeJob of jobs) {
      expect(schemas.validate(storeJob as Manifest)).toEqual([]);
      const storePod = storeJob.spec.template.spec;
      expect(storePod.containers[0].envFrom).toEqual([{ secretRef: { name: "sei-backup-store" } }]);
      expect(storePod.containers[0].env).toContainEqual({
        name: "BACKUP_STORE_CA",
        value: "/etc/sei-backup-store/ca.crt",
      });
      expect(storePod.volumes).toContainEqual({
        name: "store-ca",
        secret: { secretName: "sei-backup-store", items: [{ key: "ca.crt", path: "ca.crt" }] },
      });
      expect(JSON.stringify(storePod)).not.toContain('sei-backups"');
      expect(storeJob.spec.template.metadata.labels).toMatchObject(componentLabels("backup"));
    }
  });

  it("check read-only as the backup's account; restore as the administrator, in the app's room, with the snapshots chosen", () => {
    const [check, load] = jobs;
    expect(check.metadata.name).toBe(INSPECT_JOB_NAME);
    expect(check.spec.template.spec.volumes).toContainEqual({
      name: "documents",
      persistentVolumeClaim: { claimName: "sei-documents", readOnly: true },
    });
    expect(JSON.stringify(check)).not.toContain(SECRET_KEYS.database.rootPassword);
    const container = load.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: "DUMP_SNAPSHOT", value: "a".repeat(64) });
    expect(container.env).toContainEqual({ name: "RESTORE_SET", value: "2026-12-07" });
    expect(container.env).toContainEqual({ name: "RESTORE_SCRIPT", value: RESTORE_SCRIPTS.restore });
    const app = storePlan.workloads.find((w) => w.component === "app")!;
    expect(container.resources.limits.memory).toBe(formatBytes(app.resources.limits.memoryBytes));
  });
});

describe("sei-infra restore refuses, before touching a cluster", () => {
  it("a set that is not a date", () => {
    const run = seiInfra(["restore", "tiradentes", "--set", "latest"]);
    expect([run.status, run.stderr]).toEqual([
      2,
      "sei-infra restore: --set latest: a backup set is named by its date, YYYY-MM-DD\n",
    ]);
  });

  it("an instance that is not in production", () => {
    const run = seiInfra(["restore", "diamantina", "--set", "2026-12-01"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("diamantina is in phase provisioning: only a production instance has backups");
  });

  it("a suspended instance, saying why and what to do", () => {
    const repo = new FixtureRepo();
    try {
      repo.municipality({ official: official("Tiradentes"), tier: "pequeno-i", phase: "suspended", sequence: 1 });
      const run = seiInfra(["restore", "tiradentes", "--set", "2026-12-01", "--yes"], { cwd: repo.root });
      expect([run.status, run.stderr]).toEqual([
        2,
        "sei-infra restore: tiradentes is suspended: its namespace's quota admits no pod, so neither its database nor a restore Job can run; " +
          'set phase production and deploy it first (docs/restore.md, "A suspended instance")\n',
      ]);
    } finally {
      repo.dispose();
    }
  });

  it("a municipality with no file", () => {
    const run = seiInfra(["restore", "atlantida", "--set", "2026-12-01"]);
    expect([run.status, run.stderr]).toEqual([
      2,
      'sei-infra restore: "atlantida": no municipality of that name in municipalities/\n',
    ]);
  });

  it("a name or a set that holds escape sequences, printed as escapes", () => {
    const name = seiInfra(["restore", "\u001b[2Jtiradentes", "--set", "2026-12-01"]);
    expect([name.status, name.stderr]).toEqual([
      2,
      'sei-infra restore: "\\u001b[2Jtiradentes": no municipality of that name in municipalities/; did you mean "tiradentes"?\n',
    ]);
    const set = seiInfra(["restore", "tiradentes", "--set", "\u001b]0;owned\u0007"]);
    expect([set.status, set.stderr]).toEqual([
      2,
      "sei-infra restore: --set \\u001b]0;owned\\u0007: a backup set is named by its date, YYYY-MM-DD\n",
    ]);
  });

  it.each([
    ["2026-13-01", "there is no month 13"],
    ["2026-02-30", "that month has no such day"],
  ])("a set named by a date that does not exist (%s)", (set, why) => {
    const run = seiInfra(["restore", "tiradentes", "--set", set]);
    expect([run.status, run.stderr]).toEqual([
      2,
      `sei-infra restore: --set ${set}: not a real calendar date (${why}); a backup set is named by the day it was written, YYYY-MM-DD\n`,
    ]);
  });

  it("a timeout that is not a duration such as fleet's (5m, 6h)", () => {
    const run = seiInfra(["restore", "tiradentes", "--set", "2026-12-01", "--timeout", "21600"]);
    expect([run.status, run.stderr]).toEqual([
      2,
      "sei-infra restore: --timeout 21600: give a duration such as 90s, 5m or 6h\n",
    ]);
  });

  it("a restore with no terminal to ask on and no --yes", () => {
    const run = seiInfra(["restore", "tiradentes", "--set", "2026-12-01"]);
    expect([run.status, run.stderr]).toEqual([
      2,
      "sei-infra restore: there is no terminal to ask on: give --yes to restore without asking (or --dry-run to see what would happen)\n",
    ]);
  });

  it("--list with --set, and no --set without --list", () => {
    expect(seiInfra(["restore", "tiradentes", "--list", "--set", "2026-12-01"]).status).toBe(2);
    expect(seiInfra(["restore", "tiradentes"]).stderr).toBe(
      "sei-infra restore: --set YYYY-MM-DD names the set to restore (--list shows them)\n",
    );
  });
});
