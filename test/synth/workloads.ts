/**
 * What a synthesized stack will run, read back from the stack itself: the
 * containers Terraform creates (database StatefulSet, backup CronJob) and the
 * pods the chart creates from the helm_release values. Computed independently
 * of the plan's own arithmetic, so a test comparing it with the quota can fail.
 */
import type { HelmResources, HelmValues } from "../../core/helm-values.ts";
import { parseBytes, parseCpuMillicores } from "../../core/quantity.ts";
import type { StackJson } from "./support.ts";

export interface Pod {
  /** Where the pod comes from, for messages. */
  readonly source: string;
  /** How many of it can exist at once. */
  readonly maxCount: number;
  readonly containers: readonly { name: string; resources: Partial<HelmResources> | undefined }[];
}

const one = <T>(block: T | T[] | undefined): T | undefined => (Array.isArray(block) ? block[0] : block);

type Json = Record<string, unknown>;

function podSpecContainers(podSpec: Json): Pod["containers"] {
  const containers = [...((podSpec.container as Json[]) ?? []), ...((podSpec.init_container as Json[]) ?? [])];
  return containers.map((c) => ({ name: String(c.name), resources: one(c.resources as HelmResources | undefined) }));
}

/** The Helm values of the stack's release, or undefined when it has none. */
export function releaseValues(json: StackJson): HelmValues | undefined {
  const release = Object.values(json.resource?.helm_release ?? {})[0];
  if (!release) return undefined;
  return JSON.parse((release.values as string[])[0]!.replaceAll("$${", "${")) as HelmValues;
}

/** Every pod the stack can run, at its maximum count. */
export function podsOf(json: StackJson): Pod[] {
  const pods: Pod[] = [];
  for (const [name, sts] of Object.entries(json.resource?.kubernetes_stateful_set_v1 ?? {})) {
    const spec = one(sts.spec as Json | Json[])!;
    const podSpec = one(one(spec.template as Json | Json[])!.spec as Json | Json[])!;
    pods.push({ source: `StatefulSet ${name}`, maxCount: Number(spec.replicas), containers: podSpecContainers(podSpec) });
  }
  for (const [name, cron] of Object.entries(json.resource?.kubernetes_cron_job_v1 ?? {})) {
    const spec = one(cron.spec as Json | Json[])!;
    // concurrency_policy Forbid: one job, one pod, at a time.
    if (spec.concurrency_policy !== "Forbid") throw new Error(`CronJob ${name} may run concurrently; count its pods`);
    const job = one(one(spec.job_template as Json | Json[])!.spec as Json | Json[])!;
    const podSpec = one(one(job.template as Json | Json[])!.spec as Json | Json[])!;
    pods.push({ source: `CronJob ${name}`, maxCount: 1, containers: podSpecContainers(podSpec) });
  }
  const values = releaseValues(json);
  if (values) {
    const chart = (component: string, maxCount: number, resources: HelmResources) =>
      pods.push({ source: `chart ${component}`, maxCount, containers: [{ name: component, resources }] });
    const app = values.app;
    const appReplicas = app.autoscaling.enabled ? app.autoscaling.maxReplicas : app.replicas;
    // The app Deployment rolls with maxSurge 1: one extra pod while it updates.
    chart("app", appReplicas > 0 ? appReplicas + 1 : 0, app.resources);
    chart("scheduler", values.scheduler.enabled ? 1 : 0, values.scheduler.resources);
    // The updater hook Job runs beside the old pods during an upgrade.
    chart("updater", values.updater.enabled ? 1 : 0, values.updater.resources);
    chart("solr", values.solr.replicas, values.solr.resources);
    chart("memcached", values.memcached.replicas, values.memcached.resources);
    chart("jod", values.jod.enabled ? values.jod.replicas : 0, values.jod.resources);
  }
  return pods;
}

export interface Totals {
  requestsCpu: number;
  requestsMemory: number;
  limitsCpu: number;
  limitsMemory: number;
  pods: number;
}

/** Sum of requests and limits over every pod at its maximum count (millicores, bytes). */
export function totalsOf(pods: readonly Pod[]): Totals {
  const t: Totals = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0 };
  for (const pod of pods) {
    t.pods += pod.maxCount;
    for (const { resources: r } of pod.containers) {
      t.requestsCpu += parseCpuMillicores(r!.requests!.cpu) * pod.maxCount;
      t.requestsMemory += parseBytes(r!.requests!.memory) * pod.maxCount;
      t.limitsCpu += parseCpuMillicores(r!.limits!.cpu) * pod.maxCount;
      t.limitsMemory += parseBytes(r!.limits!.memory) * pod.maxCount;
    }
  }
  return t;
}

/** Identity of a data-bearing resource: what must never change, or Terraform replaces it. */
export interface Identity {
  readonly type: string;
  readonly address: string;
  readonly name: string;
}

const DATA_BEARING_TYPES = ["kubernetes_persistent_volume_claim_v1", "kubernetes_secret_v1", "kubernetes_namespace_v1", "random_password"];

/** The resources whose loss loses data: claims, the namespace, Secrets and the passwords in them. */
export function dataBearing(json: StackJson, databaseSecretName: string): { identity: Identity; resource: Json }[] {
  const out: { identity: Identity; resource: Json }[] = [];
  for (const type of DATA_BEARING_TYPES) {
    for (const [address, resource] of Object.entries(json.resource?.[type] ?? {})) {
      const name = String(one(resource.metadata as Json | Json[] | undefined)?.name ?? "");
      const isDatabaseSecret = type === "kubernetes_secret_v1" && name === databaseSecretName;
      const isDatabasePassword = type === "random_password" && address.startsWith("Database_Credentials_");
      if (type === "kubernetes_secret_v1" && !isDatabaseSecret) continue;
      if (type === "random_password" && !isDatabasePassword) continue;
      out.push({ identity: { type, address, name }, resource });
    }
  }
  return out;
}
