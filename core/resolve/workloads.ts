/**
 * Workloads: how many pods of each component may run, and what each asks.
 * Every container's resources are converted here once; workloads, quota,
 * database, backup and Helm values all read these.
 */
import type { ComponentName } from "../components.ts";
import type { BackupPlan, ComputeResources, WorkloadPlan } from "../plan.ts";
import type { Tier } from "../schema/tier.ts";
import type { PhaseFacts } from "./phase.ts";

type TierResources = Tier["spec"]["app"]["resources"];

export type ComponentResources = Readonly<Record<ComponentName, ComputeResources>>;

export function componentResources(tier: Tier): ComponentResources {
  const t = tier.spec;
  return {
    app: computeResources(t.app.resources),
    scheduler: computeResources(t.scheduler.resources),
    updater: computeResources(t.updater.resources),
    // The first-install hook runs before the updater, never beside it, in the updater's slot of the quota.
    bootstrap: computeResources(t.updater.resources),
    solr: computeResources(t.solr.resources),
    memcached: computeResources(t.memcached.resources),
    jod: computeResources(t.jod.resources),
    database: computeResources(t.database.resources),
    backup: computeResources(t.backup.resources),
  };
}

/** App replicas: the tier's range in production, one pod before. */
export function appReplicas(tier: Tier, phase: PhaseFacts): { readonly min: number; readonly max: number } {
  return phase.production ? tier.spec.app.replicas : { min: 1, max: 1 };
}

/** The backup pods there may be: the nightly job on the claim, where there is one, and the store's pods. */
export interface BackupPods {
  /** The instance has a backup claim (its nightly job writes there). */
  readonly claim: boolean;
  readonly backup: BackupPlan | null;
}

export function workloadsOf(
  tier: Tier,
  phase: PhaseFacts,
  res: ComponentResources,
  { claim, backup }: BackupPods,
): WorkloadPlan[] {
  const { running } = phase;
  const replicas = appReplicas(tier, phase);
  const workloads: WorkloadPlan[] = [
    // One extra app pod may exist while a rolling update surges.
    workload("app", running(replicas.min), running(replicas.max + 1), res.app),
    workload("scheduler", running(1), running(1), res.scheduler),
    // The updater runs as a Helm hook beside the old pods during an upgrade.
    workload("updater", 0, running(1), res.updater),
    workload("solr", running(1), running(1), res.solr),
    workload("memcached", running(1), running(1), res.memcached),
    workload("database", running(1), running(1), res.database),
  ];
  if (tier.spec.jod.enabled) workloads.push(workload("jod", running(1), running(1), res.jod));
  if (backup) {
    // The nightly jobs: the claim's, where there is one, and the store's.
    workloads.push(workload("backup", 0, (claim ? 1 : 0) + (backup.offsite ? 1 : 0), res.backup));
    // The binlog shipper always (Recreate: never two), with its room for the local binlog copies.
    if (backup.offsite) workloads.push(workload("backup", 1, 1, backup.offsite.shipper.resources));
  }
  return workloads;
}

function workload(
  component: ComponentName,
  minReplicas: number,
  maxReplicas: number,
  resources: ComputeResources,
): WorkloadPlan {
  return { component, minReplicas, maxReplicas, resources };
}

function computeResources(r: TierResources): ComputeResources {
  return {
    requests: {
      cpuMillicores: r.requests.cpu,
      memoryBytes: r.requests.memory,
      ephemeralStorageBytes: r.requests.ephemeralStorage,
    },
    limits: {
      cpuMillicores: r.limits.cpu,
      memoryBytes: r.limits.memory,
      ephemeralStorageBytes: r.limits.ephemeralStorage,
    },
  };
}
