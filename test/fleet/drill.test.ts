/**
 * `fleet drill` without a cluster (fleet/drill/): the scratch namespace's objects, validated against
 * the Kubernetes API schemas and read for what they allow; the report's three forms with hostile
 * text in a difference; and the refusals of the command line. The drill's scripts run for real in
 * test/backup/offsite.test.ts (versitygw, restic, MariaDB 10.11).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BACKUP_STORE_SECRET, SECRET_KEYS } from "../../core/naming.ts";
import { parseBytes, parseCpuMillicores } from "../../core/quantity.ts";
import { drillOutcome } from "../../fleet/drill/outcome.ts";
import { renderDrillJunit, renderDrillMarkdown, type DrillReport } from "../../fleet/drill/report.ts";
import { DRILL_JOB, scratchManifests, scratchNamespaceName } from "../../fleet/drill/scratch-namespace.ts";
import { REPO_ROOT, examplePlan, platformWithStore } from "../../scripts/lib/example-plan.ts";
import { KubernetesSchemas, helmTools, type Manifest } from "../chart/support.ts";
import { seiInfra } from "../cli/run.ts";

const plan = examplePlan({ tier: "medio", phase: "production" }, platformWithStore());
const storeSecretData = Object.fromEntries(
  Object.values(SECRET_KEYS.backupStore).map((key) => [key, Buffer.from(`value of ${key}`).toString("base64")]),
);
const namespace = scratchNamespaceName(plan.municipality.name, "a1b2c3");
const objects = scratchManifests({ plan, namespace, storeSecretData, rootPassword: "r00t", setName: "2026-12-07" });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read loosely: the test names the fields it checks
const kind = (k: string): any[] => objects.filter((o) => o.kind === k);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
const pods: any[] = [...kind("Pod").map((p) => p.spec), kind("Job")[0].spec.template.spec];

describe("the scratch namespace of a drill", () => {
  it("is valid Kubernetes, every object in the scratch namespace and nothing in the instance's", () => {
    const schemas = new KubernetesSchemas(helmTools().openApiDir);
    expect(objects.flatMap((o) => schemas.validate(o as Manifest))).toEqual([]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    const namespaces = objects.filter((o) => o.kind !== "Namespace").map((o) => (o.metadata as any).namespace);
    expect(new Set(namespaces)).toEqual(new Set([namespace]));
    expect(namespace).toBe("sei-drill-a1b2c3-exemplo");
    expect(scratchNamespaceName("a".repeat(60), "a1b2c3")).toMatch(/^sei-drill-a1b2c3-a+$/);
    expect(scratchNamespaceName("a".repeat(60), "a1b2c3")).toHaveLength(63);
  });

  it("enforces the restricted Pod Security profile, and every pod meets it without an API token", () => {
    expect(kind("Namespace")[0].metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "sei.mg.gov.br/drill-of": "exemplo",
    });
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      for (const container of pod.containers)
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
    }
  });

  it("gives the Job's scripts a writable folder wherever they write, /tmp included (its root is read-only)", () => {
    // The first e2e drill failed here: point-in-time-set.sh makes its server's socket folder in /tmp
    // (TMPDIR may be too deep for a socket's 107 bytes), and the Job had no /tmp of its own.
    const container = kind("Job")[0].spec.template.spec.containers[0];
    const writable: string[] = container.volumeMounts
      .filter((m: { readOnly?: boolean }) => !m.readOnly)
      .map((m: { mountPath: string }) => m.mountPath);
    const scripts = ["drill-set.sh", "point-in-time-set.sh", "drill-check.sh", "store.sh"].map((name) =>
      readFileSync(join(REPO_ROOT, "images", "database", "offsite", name), "utf8"),
    );
    // Folders named outright where a script makes a temporary file or folder (`mktemp -d /tmp/x.XXXXXX`).
    const named = scripts.flatMap((text) => [...text.matchAll(/mktemp (?:-d )?"?(\/[^"$\s]*)\//g)].map((m) => m[1]!));
    expect(named).toContain("/tmp");
    const tmpdir = container.env.find((e: { name: string }) => e.name === "TMPDIR").value as string;
    for (const folder of [...new Set(named), tmpdir])
      expect(
        writable.some((mount) => folder === mount || folder.startsWith(`${mount}/`)),
        `${folder} is on no writable mount`,
      ).toBe(true);
  });

  it("runs drill-set.sh without the scratch database's password: its private server's root has none", () => {
    // The second e2e drill failed here: MYSQL_PWD, meant for the scratch database, reached point-in-time-set.sh's
    // private server ("Access denied for user 'root'@'localhost' (using password: YES)").
    const container = kind("Job")[0].spec.template.spec.containers[0];
    const dir = mkdtempSync(join(tmpdir(), "sei-drill-job-"));
    // The Job's own command, up to its first step: a drill-set.sh that says what it was given, then stops the Job.
    writeFileSync(join(dir, "drill-set.sh"), 'echo "MYSQL_PWD=${MYSQL_PWD-unset}"; exit 7\n', { mode: 0o755 });
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? "the scratch root password"]),
    );
    const ran = spawnSync(container.command[0], container.command.slice(1), {
      encoding: "utf8",
      env: {
        ...env,
        PATH: process.env.PATH,
        OFFSITE: dir,
        TMPDIR: join(dir, "tmp"),
        RESTIC_CACHE_DIR: join(dir, "cache"),
        BACKUPS: join(dir, "backups"),
        DOCUMENTS: join(dir, "documents"),
      },
    });
    expect(ran.status, ran.stderr).toBe(7);
    expect(ran.stdout).toBe("MYSQL_PWD=unset\n");
  });

  it("denies every connection but DNS, the Job to the database, and the Job to the store's address", () => {
    const policies = kind("NetworkPolicy");
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const outside = policies.flatMap((p) => (p.spec.egress ?? []).flatMap((e: { to: object[] }) => e.to));
    const blocks = outside.filter((to: { ipBlock?: object }) => to.ipBlock);
    expect(blocks).toEqual([{ ipBlock: { cidr: plan.backupStore!.egress.cidr } }]);
    const store = policies.find((p) => p.metadata.name === "allow-drill-store-egress");
    expect(store.spec.podSelector.matchLabels["app.kubernetes.io/name"]).toBe(DRILL_JOB);
    expect(store.spec.egress[0].ports).toEqual([{ port: plan.backupStore!.egress.port, protocol: "TCP" }]);
  });

  it("holds the municipality's own store credential, never the administrator's, and a quota of its two pods", () => {
    const secret = kind("Secret").find((s) => s.metadata.name === BACKUP_STORE_SECRET);
    expect(secret.data).toEqual(storeSecretData);
    const text = JSON.stringify(objects);
    for (const name of Object.values(plan.backupStore!.adminCredentialEnv)) expect(text).not.toContain(name);
    expect(kind("ResourceQuota")[0].spec.hard).toMatchObject({ pods: "2", persistentvolumeclaims: "2" });
    const job = kind("Job")[0];
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: BACKUP_STORE_SECRET } }]);
  });

  it("gives the Job time to restore its claims at 0.5 GiB/min with an hour to spare, six hours at least", () => {
    // tiers/: medio's database and documents claims are 60Gi and 400Gi; pequeno-i's fit in six hours.
    // One reckoning: a drill restores what a restore does.
    expect(plan.backup!.restoreDeadlineSeconds).toBe(3600 + (60 + 400) * 120);
    expect(kind("Job")[0].spec.activeDeadlineSeconds).toBe(3600 + (60 + 400) * 120);
    const small = examplePlan({ tier: "pequeno-i", phase: "production" }, platformWithStore());
    expect(small.backup!.restoreDeadlineSeconds).toBe(6 * 3600);
    const smallJob = scratchManifests({
      plan: small,
      namespace,
      storeSecretData,
      rootPassword: "r",
      setName: "s",
    }).find((o) => o.kind === "Job") as { spec: { activeDeadlineSeconds: number } };
    expect(smallJob.spec.activeDeadlineSeconds).toBe(6 * 3600);
  });

  it("gives the Job a claim of the documents and twice the database, and counts both claims in the quota", () => {
    // medio: documents 400Gi, database 60Gi (the scratch server's and the set's dumps).
    expect(plan.backup!.offsite!.drill.scratchBytes).toBe((400 + 2 * 60) * 2 ** 30);
    const claims = Object.fromEntries(
      kind("PersistentVolumeClaim").map((c) => [c.metadata.name, c.spec.resources.requests.storage]),
    );
    expect(claims).toEqual({ "sei-drill-database": "60Gi", "sei-drill-scratch": "520Gi" });
    expect(kind("ResourceQuota")[0].spec.hard["requests.storage"]).toBe("580Gi");
  });

  it("has a quota of exactly what its two pods and two claims ask, no more", () => {
    const hard = kind("ResourceQuota")[0].spec.hard as Record<string, string>;
    const containers = pods.flatMap((pod) => pod.containers);
    const sum = (pick: (c: { resources: Record<string, Record<string, string>> }) => string, parse = parseBytes) =>
      containers.reduce((total: number, c) => total + parse(pick(c)), 0);
    expect(containers).toHaveLength(2);
    expect(parseCpuMillicores(hard["requests.cpu"]!)).toBe(sum((c) => c.resources.requests!.cpu!, parseCpuMillicores));
    expect(parseCpuMillicores(hard["limits.cpu"]!)).toBe(sum((c) => c.resources.limits!.cpu!, parseCpuMillicores));
    for (const key of ["memory", "ephemeral-storage"]) {
      expect(parseBytes(hard[`requests.${key}`]!), key).toBe(sum((c) => c.resources.requests![key]!));
      expect(parseBytes(hard[`limits.${key}`]!), key).toBe(sum((c) => c.resources.limits![key]!));
    }
    const claims = kind("PersistentVolumeClaim").map((c) => parseBytes(c.spec.resources.requests.storage));
    expect(parseBytes(hard["requests.storage"]!)).toBe(claims.reduce((a, b) => a + b, 0));
    expect(hard).toMatchObject({ pods: String(pods.length), persistentvolumeclaims: String(claims.length) });
  });

  it("runs drill.sh as it is, with the restore's script beside it (test/backup/offsite.test.ts runs both)", () => {
    const container = kind("Job")[0].spec.template.spec.containers[0];
    expect(container.command).toEqual([
      "/bin/bash",
      "-c",
      readFileSync(join(REPO_ROOT, "fleet/drill/drill.sh"), "utf8"),
    ]);
    expect(container.env).toContainEqual({
      name: "RESTORE_SCRIPT",
      value: readFileSync(join(REPO_ROOT, "restore/restore.sh"), "utf8"),
    });
  });
});

describe("the drill report", () => {
  const hostile = "document 2026/\u001b[31mred</failure>&.pdf changed";
  const log = [
    'DRILL-SNAPSHOTS [{"id":"' +
      "a".repeat(64) +
      '","time":"2026-12-07T03:00:00.123456789Z","hostname":"exemplo","paths":["/manifest"],"tags":["kind=manifest"]},{"id":"' +
      "b".repeat(64) +
      '","time":"2026-12-07T10:00:00Z","hostname":"exemplo","paths":["/var/lib/sei-binlogs"],"tags":["kind=binlog"]}]',
    "DRILL-RESTORED 42",
    `DIFF ${hostile}`,
    "drill-check.sh: ERROR: 1 difference(s) from the manifest (2 tables, 3 documents recorded)",
  ].join("\n");
  const outcome = drillOutcome(log, "exemplo");

  it("reads the Job's log: the backup's time, the last shipping, the restore's duration, each difference", () => {
    expect(outcome).toMatchObject({
      passed: false,
      restoreSeconds: 42,
      backupAt: new Date("2026-12-07T03:00:00.123Z"),
      lastShippedAt: new Date("2026-12-07T10:00:00Z"),
      differenceCount: 1,
    });
    expect(outcome.differences[0]).not.toContain("\u001b");
  });

  it("keeps the log's last line, for a Job that failed before a script said why", () => {
    // What the first e2e drill logged (its Job had no writable /tmp): the report said only "failed without a check".
    const log = [
      'DRILL-SNAPSHOTS [{"time":"2026-12-07T14:20:42.733Z"}]',
      "drill-set.sh: drilling the backup of databases 5b24beca, documents b78122ab, up to binlog mysql-bin.000004:2098",
      "mktemp: failed to create directory via template '/tmp/sei-pit.XXXXXX': Read-only file system\u001b[2J",
      "",
    ].join("\n");
    const outcome = drillOutcome(log, "exemplo");
    expect(outcome).toMatchObject({ passed: false, errors: [] });
    expect(outcome.lastLine).toContain(
      "mktemp: failed to create directory via template '/tmp/sei-pit.XXXXXX': Read-only file system",
    );
    expect(outcome.lastLine).not.toContain("\u001b");
    expect(drillOutcome("", "exemplo").lastLine).toBeNull();
  });

  it("writes markdown and JUnit that carry the difference, escaped", () => {
    const report: DrillReport = {
      schemaVersion: 1,
      command: "drill",
      startedAt: "2026-12-07T10:05:00.000Z",
      finishedAt: "2026-12-07T10:30:00.000Z",
      drills: [
        {
          municipality: "exemplo",
          tier: "medio",
          cluster: "prodemge-bh-1",
          status: "failed",
          scratchNamespace: namespace,
          startedAt: "2026-12-07T10:05:00.000Z",
          rtoSeconds: 1500,
          restoreSeconds: 42,
          rpoSeconds: 300,
          backupAt: "2026-12-07T03:00:00.123Z",
          lastGoodDrill: "2026-12-06T10:05:00.000Z",
          differences: [...outcome.differences],
          differenceCount: 1,
          error: null,
        },
      ],
    };
    const junit = renderDrillJunit(report);
    expect(junit).toContain('<testcase classname="sei-infra.fleet.drill" name="exemplo" time="1500">');
    expect(junit).toMatch(
      /<failure type="failed" message="1 difference\(s\) from the backup's manifest">document 2026\/.*&lt;\/failure&gt;&amp;\.pdf changed<\/failure>/,
    );
    const markdown = renderDrillMarkdown(report);
    expect(markdown).toContain("## Restore drills: 0 of 1 passed");
    expect(markdown).toMatch(
      /\| exemplo \| prodemge-bh-1 \| failed \| 25 min \| 5 min \| .* \| 2026-12-06T10:05:00.000Z \| document 2026/,
    );
  });
});

describe("fleet drill refuses before it touches a cluster", () => {
  it("refuses a --report file that is not a drill report, naming the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "sei-drill-"));
    const forged = join(dir, "drills.json");
    writeFileSync(
      forged,
      JSON.stringify({ schemaVersion: 1, command: "drill", startedAt: "yesterday", finishedAt: "x", drills: [] }),
    );
    const run = seiInfra(["fleet", "drill", "--report", forged]);
    expect(run.stderr).toMatch(/drills\.json:1:\d+: error: startedAt: /);
    expect(run.status).toBe(2);
    writeFileSync(forged, "{ not json");
    expect(seiInfra(["fleet", "drill", "--report", forged]).status).toBe(2);
    // A FIFO would block a reader forever, a link may lead anywhere: both refused before anything runs.
    const fifo = join(dir, "fifo.json");
    execFileSync("mkfifo", [fifo]);
    const blocked = seiInfra(["fleet", "drill", "--report", fifo]);
    expect(blocked.stderr).toMatch(/fifo\.json: cannot read the drill report/);
    expect(blocked.status).toBe(2);
    const link = join(dir, "link.json");
    symlinkSync("/etc/passwd", link);
    expect(seiInfra(["fleet", "drill", "--report", link]).status).toBe(2);
  });

  it("drills nothing where no cluster has a store, and says so", () => {
    const run = seiInfra(["fleet", "drill", "--only", "tiradentes"]);
    expect(run.stderr).toContain("1 selected instance(s) have no off-site backup");
    expect(run.status).toBe(0);
  });
});
