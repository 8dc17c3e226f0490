/**
 * Every pod the TypeScript makes, compared with the image contract
 * (core/image-contract.ts) and the one restricted pod (core/pod-security.ts):
 * the pods Terraform creates (database, nightly backup, off-site backup and
 * binlog shipper, password rotation Jobs) as synthesized, the restore Jobs
 * and the fleet's Kubernetes Jobs. User and group, the pod and container
 * security contexts, the database's port, environment and writable paths.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { IMAGES, SCRATCH_VOLUMES } from "../../core/image-contract.ts";
import { restrictedContainerSecurityContext } from "../../core/pod-security.ts";
import { terraformRestrictedPodSpec } from "../../constructs/security.ts";
import { emitK8sJobs } from "../../fleet/emit/k8s-job.ts";
import { parseFailureBudget } from "../../fleet/waves.ts";
import { inspectJob, restoreJob } from "../../restore/job.ts";
import { examplePlan, platformWithStore } from "../../scripts/lib/example-plan.ts";
import { stack } from "../fleet/support.ts";
import { cleanScratch, synthStack, type StackJson } from "./support.ts";

afterAll(cleanScratch);

type Json = { [key: string]: unknown };

/** camelCase keys to Terraform's snake_case, all the way down: the provider's JSON of a TypeScript object. */
function snake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snake);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v)]),
  );
}

interface TerraformPod {
  readonly where: string;
  readonly spec: Json;
}

/** The pod specs of a synthesized stack's workloads, wherever each kind keeps its template. */
function terraformPods(json: StackJson): TerraformPod[] {
  const templateSpec = (spec: Json) => (spec.template as Json).spec as Json;
  const kinds: Record<string, (spec: Json) => Json> = {
    kubernetes_stateful_set_v1: templateSpec,
    kubernetes_deployment_v1: templateSpec,
    kubernetes_job_v1: templateSpec,
    kubernetes_cron_job_v1: (spec) => templateSpec(((spec.job_template as Json).spec as Json) ?? {}),
  };
  return Object.entries(kinds).flatMap(([type, podOf]) =>
    Object.entries(json.resource?.[type] ?? {}).map(([name, resource]) => ({
      where: `${type}.${name}`,
      spec: podOf(resource.spec as Json),
    })),
  );
}

const containersOf = (spec: Json) => [...((spec.init_container as Json[]) ?? []), ...(spec.container as Json[])];
const names = (list: unknown) => ((list as { name: string }[] | undefined) ?? []).map((e) => e.name);

const production = examplePlan({ tier: "medio", phase: "production", rotation: { databasePasswords: 2 } });
const withStore = examplePlan({ tier: "medio", phase: "production" }, platformWithStore());
const pods = [synthStack(production).json, synthStack(withStore).json].flatMap(terraformPods);

describe("the pods Terraform creates", () => {
  it("are the database, both backups, the binlog shipper and the rotation Jobs", () => {
    expect(pods.map((p) => p.where.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(
      [
        "kubernetes_cron_job_v1.Database_Backup",
        "kubernetes_cron_job_v1.OffsiteBackup_Nightly",
        "kubernetes_deployment_v1.OffsiteBackup_BinlogShipper",
        "kubernetes_job_v1.PasswordRotationAccept",
        "kubernetes_job_v1.PasswordRotationRetire",
        "kubernetes_stateful_set_v1.Database",
        "kubernetes_stateful_set_v1.Database",
      ].sort(),
    );
  });

  it.each(pods.map((p) => [p.where, p] as const))(
    "%s: the restricted pod as the database image's user, every container restricted",
    (_, { spec }) => {
      const expected = snake(
        terraformRestrictedPodSpec({
          serviceAccountName: production.serviceAccountName,
          imagePullSecrets: production.database.imagePullSecrets,
          user: IMAGES.database,
        }),
      );
      expect(
        Object.fromEntries(Object.keys(expected as Json).map((key) => [key, key in spec ? spec[key] : []])),
      ).toEqual(expected);
      expect((spec.security_context as Json).run_as_user).toBe(String(IMAGES.database.uid));
      for (const container of containersOf(spec))
        expect(container.security_context, String(container.name)).toEqual(snake(restrictedContainerSecurityContext()));
    },
  );

  it("the database listens on its image's port, reads only its image's variables and writes only its paths", () => {
    const database = pods.find((p) => p.where.startsWith("kubernetes_stateful_set_v1"))!.spec;
    const [server] = database.container as Json[];
    expect(server!.port).toEqual([{ name: "mysql", container_port: IMAGES.database.port }]);
    for (const container of containersOf(database))
      expect(IMAGES.database.env, String(container.name)).toEqual(expect.arrayContaining(names(container.env)));
    const writable = (server!.volume_mount as { mount_path: string; read_only?: boolean }[])
      .filter((m) => !m.read_only)
      .map((m) => m.mount_path);
    expect(writable.sort()).toEqual([...IMAGES.database.writablePaths].sort());
    const run = (database.volume as { name: string; empty_dir?: Json }[]).find((v) => v.name === "run");
    expect(run?.empty_dir).toEqual({ medium: "Memory", size_limit: SCRATCH_VOLUMES.database.run.sizeLimit });
  });
});

describe("the Jobs the CLI makes", () => {
  const plan = examplePlan({ tier: "medio", phase: "production" });

  it.each([
    ["restore", restoreJob(plan, "2026-01-01", plan.backup!.restoreDeadlineSeconds)],
    ["restore check", inspectJob(plan)],
  ])("%s: the restricted pod as the app image's user, the backup volume keeping its owner", (_, job) => {
    const pod = (job as { spec: { template: { spec: Json } } }).spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: IMAGES.app.uid,
      runAsGroup: IMAGES.app.gid,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const container of pod.containers as Json[])
      expect(container.securityContext).toEqual(restrictedContainerSecurityContext());
  });

  it("the fleet's Jobs: the restricted pod with one opt-out, a writable root filesystem", () => {
    const files = emitK8sJobs(
      {
        waves: [{ name: "canary", stacks: [stack("a")] }],
        concurrency: 1,
        budget: parseFailureBudget("0"),
        failuresAllowed: 0,
        planFile: "fleet/fleet-plan.json",
        setup: [],
        driftSchedule: "17 3 * * *",
        drill: { schedule: "43 5 * * *" },
        image: "registry.example.org/sei/fleet:1",
      },
      "plan",
    );
    const podSpecs = [...files]
      .filter(([file]) => file.endsWith(".yaml"))
      .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as Json))
      .filter((o) => o.kind === "Job" || o.kind === "CronJob")
      .map((o) => {
        const spec = o.spec as Json;
        const job = o.kind === "CronJob" ? ((spec.jobTemplate as Json).spec as Json) : spec;
        return (job.template as Json).spec as Json;
      });
    expect(podSpecs.length).toBeGreaterThanOrEqual(4);
    for (const pod of podSpecs) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
      for (const container of pod.containers as Json[])
        expect(container.securityContext).toEqual({
          ...restrictedContainerSecurityContext(),
          readOnlyRootFilesystem: false,
        });
    }
  });
});
