/**
 * What a synthesized stack will run, read back from the stack itself: the
 * containers Terraform creates (database StatefulSet, backup CronJob) and the
 * pods the chart creates from the helm_release values. Computed independently
 * of the plan's own arithmetic, so a test comparing it with the quota can fail.
 */
import type { RenderedResources, HelmValues } from "../../core/schema/helm-values.ts";
import { parseBytes, parseCpuMillicores } from "../../core/quantity.ts";
import type { StackJson } from "./support.ts";

/** requests or limits of a container, under the names of the values contract. */
type Amount = Partial<RenderedResources["requests"]>;

export interface Pod {
  /** Where the pod comes from, for messages. */
  readonly source: string;
  /** How many of it run when nothing scales up or rolls out. */
  readonly minCount: number;
  /** How many of it can exist at once. */
  readonly maxCount: number;
  readonly containers: readonly { name: string; resources: { requests?: Amount; limits?: Amount } | undefined }[];
  /** Init containers run before the others, one at a time: a pod asks the most of the two (Kubernetes' effective request). */
  readonly initContainers: readonly { name: string; resources: { requests?: Amount; limits?: Amount } | undefined }[];
  /** The emptyDirs of a pod Terraform makes (the chart's are checked on the rendered manifests, test/chart). */
  readonly emptyDirs: readonly { name: string; medium?: string; sizeLimit?: string }[];
}

const one = <T>(block: T | T[] | undefined): T | undefined => (Array.isArray(block) ? block[0] : block);

type Json = Record<string, unknown>;

/** A Terraform resource list (Kubernetes names) under the values contract's names. */
function amountOf(list: Record<string, string> | undefined): Amount | undefined {
  return list && { cpu: list.cpu, memory: list.memory, ephemeralStorage: list["ephemeral-storage"] };
}

function containersOf(list: Json[] | undefined): Pod["containers"] {
  return (list ?? []).map((c) => {
    const r = one(c.resources as { requests?: Record<string, string>; limits?: Record<string, string> } | undefined);
    return { name: String(c.name), resources: r && { requests: amountOf(r.requests), limits: amountOf(r.limits) } };
  });
}

function terraformPod(source: string, minCount: number, maxCount: number, podSpec: Json): Pod {
  const volumes = (podSpec.volume as Json[] | undefined) ?? [];
  const emptyDirs = volumes.flatMap((v) => {
    const dir = one(v.empty_dir as Json | Json[] | undefined);
    return dir
      ? [
          {
            name: String(v.name),
            medium: dir.medium as string | undefined,
            sizeLimit: dir.size_limit as string | undefined,
          },
        ]
      : [];
  });
  return {
    source,
    minCount,
    maxCount,
    containers: containersOf(podSpec.container as Json[]),
    initContainers: containersOf(podSpec.init_container as Json[]),
    emptyDirs,
  };
}

/** The Helm values of the stack's release, or undefined when it has none. */
export function releaseValues(json: StackJson): HelmValues | undefined {
  const release = Object.values(json.resource?.helm_release ?? {})[0];
  if (!release) return undefined;
  return JSON.parse((release.values as string[])[0]!.replaceAll("$${", "${")) as HelmValues;
}

/** Every pod the stack can run, with its minimum and maximum count. */
export function podsOf(json: StackJson): Pod[] {
  // Only the workload kinds counted below may appear; a new one must be counted, not missed.
  const uncounted = Object.keys(json.resource ?? {}).filter(
    (type) => /deployment|daemon_set|_job_|pod_v1|replication/.test(type) && type !== "kubernetes_cron_job_v1",
  );
  if (uncounted.length) throw new Error(`workload kinds not counted: ${uncounted.join(", ")}`);

  const pods: Pod[] = [];
  for (const [name, sts] of Object.entries(json.resource?.kubernetes_stateful_set_v1 ?? {})) {
    const spec = one(sts.spec as Json | Json[])!;
    const podSpec = one(one(spec.template as Json | Json[])!.spec as Json | Json[])!;
    const replicas = Number(spec.replicas);
    pods.push(terraformPod(`StatefulSet ${name}`, replicas, replicas, podSpec));
  }
  for (const [name, cron] of Object.entries(json.resource?.kubernetes_cron_job_v1 ?? {})) {
    const spec = one(cron.spec as Json | Json[])!;
    // concurrency_policy Forbid: one job, one pod, at a time.
    if (spec.concurrency_policy !== "Forbid") throw new Error(`CronJob ${name} may run concurrently; count its pods`);
    const job = one(one(spec.job_template as Json | Json[])!.spec as Json | Json[])!;
    const podSpec = one(one(job.template as Json | Json[])!.spec as Json | Json[])!;
    pods.push(terraformPod(`CronJob ${name}`, 0, 1, podSpec));
  }
  const values = releaseValues(json);
  if (values) {
    const chart = (component: string, minCount: number, maxCount: number, resources: RenderedResources) =>
      pods.push({
        source: `chart ${component}`,
        minCount,
        maxCount,
        containers: [{ name: component, resources }],
        initContainers: [],
        emptyDirs: [],
      });
    const same = (count: number) => [count, count] as const;
    const app = values.app;
    const [appMin, appMax] = app.autoscaling.enabled
      ? [app.autoscaling.minReplicas, app.autoscaling.maxReplicas]
      : same(app.replicas);
    // The app Deployment rolls with maxSurge 1: one extra pod while it updates.
    chart("app", appMin, appMax > 0 ? appMax + 1 : 0, app.resources);
    chart("scheduler", ...same(values.scheduler.enabled ? 1 : 0), values.scheduler.resources);
    // The updater hook Job runs beside the old pods during an upgrade.
    chart("updater", 0, values.updater.enabled ? 1 : 0, values.updater.resources);
    chart("solr", ...same(values.solr.replicas), values.solr.resources);
    chart("memcached", ...same(values.memcached.replicas), values.memcached.resources);
    chart("jod", ...same(values.jod.enabled ? values.jod.replicas : 0), values.jod.resources);
  }
  return pods;
}

export interface Totals {
  requestsCpu: number;
  requestsMemory: number;
  requestsEphemeral: number;
  limitsCpu: number;
  limitsMemory: number;
  limitsEphemeral: number;
  pods: number;
}

/** One pod's effective amount of one resource: its containers summed, or its largest init container if that is more. */
function effective(pod: Pod, pick: (r: NonNullable<Pod["containers"][number]["resources"]>) => number): number {
  const sum = pod.containers.reduce((total, c) => total + pick(c.resources!), 0);
  return Math.max(sum, ...pod.initContainers.map((c) => pick(c.resources!)));
}

/** Sum of requests and limits over every pod at its maximum count, or at its minimum (millicores, bytes). */
export function totalsOf(pods: readonly Pod[], at: "minCount" | "maxCount" = "maxCount"): Totals {
  const t: Totals = {
    requestsCpu: 0,
    requestsMemory: 0,
    requestsEphemeral: 0,
    limitsCpu: 0,
    limitsMemory: 0,
    limitsEphemeral: 0,
    pods: 0,
  };
  for (const pod of pods) {
    const count = pod[at];
    t.pods += count;
    t.requestsCpu += effective(pod, (r) => parseCpuMillicores(r.requests!.cpu!)) * count;
    t.requestsMemory += effective(pod, (r) => parseBytes(r.requests!.memory!)) * count;
    t.requestsEphemeral += effective(pod, (r) => parseBytes(r.requests!.ephemeralStorage!)) * count;
    t.limitsCpu += effective(pod, (r) => parseCpuMillicores(r.limits!.cpu!)) * count;
    t.limitsMemory += effective(pod, (r) => parseBytes(r.limits!.memory!)) * count;
    t.limitsEphemeral += effective(pod, (r) => parseBytes(r.limits!.ephemeralStorage!)) * count;
  }
  return t;
}

/** Identity of a data-bearing resource: what must never change, or Terraform replaces it. */
export interface Identity {
  readonly type: string;
  readonly address: string;
  readonly name: string;
}

/**
 * The resources whose loss loses data: claims, the namespace, every Secret and password
 * Terraform generates. The fleet refuses a plan that deletes any of these types
 * (fleet/classify.ts DATA_BEARING_TYPES) and also the database StatefulSet, which has no
 * prevent_destroy: replacing it restarts the database on the same claim, an outage, not a loss.
 */
export const PROTECTED_TYPES = [
  "kubernetes_persistent_volume_claim_v1",
  "kubernetes_secret_v1",
  "kubernetes_namespace_v1",
  "random_password",
];

export function dataBearing(json: StackJson): { identity: Identity; resource: Json }[] {
  const out: { identity: Identity; resource: Json }[] = [];
  for (const type of PROTECTED_TYPES) {
    for (const [address, resource] of Object.entries(json.resource?.[type] ?? {})) {
      const name = String(one(resource.metadata as Json | Json[] | undefined)?.name ?? "");
      out.push({ identity: { type, address, name }, resource });
    }
  }
  return out;
}
