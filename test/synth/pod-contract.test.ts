/**
 * Every pod the TypeScript makes, compared with the image contract
 * (core/image-contract.ts) and the one restricted pod (core/pod-security.ts):
 * the pods Terraform creates (database, nightly backup, off-site backup and
 * binlog shipper, the database, Solr and access-key rotation Jobs) as
 * synthesized, the restore Jobs, the claim migration Job, the drill's scratch
 * pods and the fleet's Kubernetes Jobs. User and group, the pod and container
 * security contexts, the database's port, environment and writable paths.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { FLEET_IMAGE_USER, IMAGES, SCRATCH_VOLUMES } from "../../core/image-contract.ts";
import { hasOffsiteBackups } from "../../core/plan.ts";
import { restrictedContainerSecurityContext, restrictedPodSpec, type PodUser } from "../../core/pod-security.ts";
import { terraformRestrictedPodSpec } from "../../constructs/security.ts";
import { migrateClaimJob } from "../../backups/migrate-claim-job.ts";
import { scratchManifests, scratchNamespaceName } from "../../fleet/drill/scratch-namespace.ts";
import { emitK8sJobs, K8S_DEFAULTS } from "../../fleet/emit/k8s-job.ts";
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

/** Every rotation at once, so each rotation Job is in the stack. */
const production = examplePlan({
  tier: "medio",
  phase: "production",
  rotation: { databasePasswords: 2, solrPassword: 1, accessKeys: 1 },
});
const withStore = examplePlan({ tier: "medio", phase: "production" }, platformWithStore());
const pods = [synthStack(production).json, synthStack(withStore).json].flatMap(terraformPods);
const idOf = (where: string) => where.replace(/_[0-9A-F]{8}$/, "");

/** Whose image each pod runs, by resource: what the Job's script needs (Solr's client is in the app image). */
const USER_OF: Record<string, PodUser> = {
  "kubernetes_cron_job_v1.Database_Backup": IMAGES.database,
  "kubernetes_cron_job_v1.OffsiteBackup_Nightly": IMAGES.database,
  "kubernetes_deployment_v1.OffsiteBackup_BinlogShipper": IMAGES.database,
  "kubernetes_job_v1.AccessKeys": IMAGES.bootstrap,
  "kubernetes_job_v1.PasswordRotationAccept": IMAGES.database,
  "kubernetes_job_v1.PasswordRotationRetire": IMAGES.database,
  "kubernetes_job_v1.SolrPasswordAccept": IMAGES.app,
  "kubernetes_job_v1.SolrPasswordRetire": IMAGES.app,
  "kubernetes_stateful_set_v1.Database": IMAGES.database,
};

/** The fields of `expected` as `pod` has them (a list it leaves out is empty), then every container's context. */
function expectRestrictedPod(
  pod: Json,
  expected: Json,
  containers: Json[],
  context: unknown = restrictedContainerSecurityContext(),
): void {
  expect(Object.fromEntries(Object.keys(expected).map((key) => [key, key in pod ? pod[key] : []]))).toEqual(expected);
  for (const container of containers) expect(container.securityContext, String(container.name)).toEqual(context);
}

describe("the pods Terraform creates", () => {
  it("are the database, both backups, the binlog shipper and every rotation Job", () => {
    expect(pods.map((p) => idOf(p.where)).sort()).toEqual(
      [...Object.keys(USER_OF), "kubernetes_stateful_set_v1.Database"].sort(),
    );
  });

  it.each(pods.map((p) => [p.where, p] as const))(
    "%s: the restricted pod as its image's user, every container restricted",
    (where, { spec }) => {
      const user = USER_OF[idOf(where)]!;
      const expected = terraformRestrictedPodSpec({
        serviceAccountName: production.serviceAccountName,
        imagePullSecrets: production.database.imagePullSecrets,
        user,
      });
      expectRestrictedPod(
        spec,
        snake(expected) as Json,
        containersOf(spec).map((c) => ({ name: c.name, securityContext: c.security_context })),
        snake(restrictedContainerSecurityContext()),
      );
      expect((spec.security_context as Json).run_as_user).toBe(String(user.uid));
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

/** The pod of a Job or CronJob, and its containers (init containers first). */
function jobPod(object: Json): { pod: Json; containers: Json[] } {
  const spec = object.spec as Json;
  const job = object.kind === "CronJob" ? ((spec.jobTemplate as Json).spec as Json) : spec;
  const pod = (job.template as Json).spec as Json;
  return { pod, containers: [...((pod.initContainers as Json[]) ?? []), ...(pod.containers as Json[])] };
}

describe("the Jobs and pods the CLI makes", () => {
  const plan = examplePlan({ tier: "medio", phase: "production" });

  const legacy = examplePlan({ tier: "medio", phase: "production", legacyBackupVolume: true }, platformWithStore());
  if (!hasOffsiteBackups(legacy)) throw new Error("the example plan with a store has no off-site backups");

  // Each reads a volume another pod wrote, which keeps its owner: no fsGroup.
  it.each([
    ["restore", restoreJob(plan, "2026-01-01", plan.backup!.restoreDeadlineSeconds), IMAGES.app],
    ["restore check", inspectJob(plan), IMAGES.app],
    ["backups migrate-claim", { kind: "Job", ...migrateClaimJob(legacy) }, IMAGES.database],
  ])("%s: the restricted pod as its image's user, the volume it reads keeping its owner", (_, job, user) => {
    const { pod, containers } = jobPod(job as Json);
    const expected = restrictedPodSpec({
      serviceAccountName: plan.serviceAccountName,
      imagePullSecrets: plan.database.imagePullSecrets,
      user,
      optOut: { fsGroup: "the volume keeps its owner" },
    });
    expectRestrictedPod(pod, expected as Json, containers);
  });

  it("fleet drill: the scratch pods are the restricted pod as the database image's user, without an API token", () => {
    const drilled = examplePlan({ tier: "medio", phase: "production" }, platformWithStore());
    const objects = scratchManifests({
      plan: drilled,
      namespace: scratchNamespaceName(drilled.municipality.name, "a1b2c3"),
      storeSecretData: {},
      rootPassword: "r00t",
      setName: "2026-12-07",
    }) as Json[];
    const scratchPods = [
      ...objects.filter((o) => o.kind === "Pod").map((o) => o.spec as Json),
      ...objects.filter((o) => o.kind === "Job").map((o) => jobPod(o).pod),
    ];
    expect(scratchPods).toHaveLength(2);
    const expected = restrictedPodSpec({
      imagePullSecrets: drilled.database.imagePullSecrets,
      user: IMAGES.database,
      optOut: { serviceAccount: "the scratch namespace has only its default ServiceAccount" },
    });
    for (const pod of scratchPods) {
      expect(pod).not.toHaveProperty("serviceAccountName");
      expectRestrictedPod(pod, expected as Json, [
        ...((pod.initContainers as Json[]) ?? []),
        ...(pod.containers as Json[]),
      ]);
    }
  });

  it("the fleet's Jobs: the restricted pod as the fleet image's user, with one opt-out, a writable root filesystem", () => {
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
    const jobs = [...files]
      .filter(([file]) => file.endsWith(".yaml"))
      .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as Json))
      .filter((o) => o.kind === "Job" || o.kind === "CronJob")
      .map(jobPod);
    expect(jobs.length).toBeGreaterThanOrEqual(4);
    const expected = restrictedPodSpec({
      serviceAccountName: K8S_DEFAULTS.serviceAccount,
      imagePullSecrets: [],
      user: FLEET_IMAGE_USER,
    });
    const context = restrictedContainerSecurityContext({
      readOnlyRootFilesystem: "the engine writes beside the project",
    });
    for (const { pod, containers } of jobs) expectRestrictedPod(pod, expected as Json, containers, context);
  });
});
