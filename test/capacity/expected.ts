/**
 * Expected figures, worked out by hand from the numbers in tiers/*.yaml, so a
 * test fails when the report's arithmetic drifts from what the tiers say.
 *
 * How resolve runs each tier (core/resolve/workloads.ts, core/resolve/phase.ts): the app has `replicas.min`
 * pods at least and `replicas.max + 1` at most (one surge pod during a rolling
 * update); the updater hook and the backup job run only at the maximum; the
 * backup exists only in production; before production the app runs one replica.
 */
import type { Figures } from "../../core/capacity/figures.ts";

export const Mi = 2 ** 20;
export const Gi = 2 ** 30;

/** [millicores, MiB] pairs and storage in GiB, as the tier files write them. */
interface Written {
  readonly requests: { readonly min: readonly [number, number]; readonly max: readonly [number, number] };
  readonly limits: { readonly min: readonly [number, number]; readonly max: readonly [number, number] };
  readonly storageGi: {
    readonly database: number;
    readonly documents: number;
    readonly solr: number;
    readonly backup: number;
    readonly temp: number;
  };
}

export function figures(w: Written): Figures {
  const amount = ([cpu, mem]: readonly [number, number]) => ({ cpuMillicores: cpu, memoryBytes: mem * Mi });
  const s = w.storageGi;
  return {
    requests: { atMinReplicas: amount(w.requests.min), atMaxReplicas: amount(w.requests.max) },
    limits: { atMinReplicas: amount(w.limits.min), atMaxReplicas: amount(w.limits.max) },
    storageBytes: {
      database: s.database * Gi,
      documents: s.documents * Gi,
      solr: s.solr * Gi,
      backup: s.backup * Gi,
      temp: s.temp * Gi,
      total: (s.database + s.documents + s.solr + s.backup + s.temp) * Gi,
    },
    // The repository's platform.yaml gives no cluster a backup store.
    objectStorageBytes: 0,
  };
}

/**
 * pequeno-i in production. Containers (request cpu/mem → limit cpu/mem):
 * app 200m/512Mi → 1000m/1Gi (1 pod, 2 at most); scheduler 50m/128Mi → 250m/256Mi;
 * updater 100m/256Mi → 500m/512Mi (max only); solr 100m/1Gi → 1000m/1Gi;
 * memcached 25m/96Mi → 100m/128Mi; database 100m/512Mi → 1000m/768Mi;
 * backup 100m/128Mi → 500m/256Mi (max only); no JOD.
 * Volumes: database 10Gi, documents 50Gi, solr 10Gi, backup 60Gi, temp 5Gi.
 */
export const PEQUENO_I_PRODUCTION = figures({
  requests: {
    min: [200 + 50 + 100 + 25 + 100, 512 + 128 + 1024 + 96 + 512],
    max: [2 * 200 + 50 + 100 + 100 + 25 + 100 + 100, 2 * 512 + 128 + 256 + 1024 + 96 + 512 + 128],
  },
  limits: {
    min: [1000 + 250 + 1000 + 100 + 1000, 1024 + 256 + 1024 + 128 + 768],
    max: [2 * 1000 + 250 + 500 + 1000 + 100 + 1000 + 500, 2 * 1024 + 256 + 512 + 1024 + 128 + 768 + 256],
  },
  storageGi: { database: 10, documents: 50, solr: 10, backup: 60, temp: 5 },
});

/** pequeno-i before production (provisioning, training, and the pipeline): the same without the backup job. */
export const PEQUENO_I_PROVISIONING = figures({
  requests: {
    min: [200 + 50 + 100 + 25 + 100, 512 + 128 + 1024 + 96 + 512],
    max: [2 * 200 + 50 + 100 + 100 + 25 + 100, 2 * 512 + 128 + 256 + 1024 + 96 + 512],
  },
  limits: {
    min: [1000 + 250 + 1000 + 100 + 1000, 1024 + 256 + 1024 + 128 + 768],
    max: [2 * 1000 + 250 + 500 + 1000 + 100 + 1000, 2 * 1024 + 256 + 512 + 1024 + 128 + 768],
  },
  storageGi: { database: 10, documents: 50, solr: 10, backup: 60, temp: 5 },
});

/**
 * pequeno-ii in production: app 250m/768Mi → 1500m/1536Mi, replicas 1 to 2
 * (3 pods at most); scheduler 50m/128Mi → 250m/256Mi; updater 100m/256Mi →
 * 500m/768Mi; solr 200m/1280Mi → 1500m/1280Mi; memcached 25m/160Mi →
 * 200m/192Mi; database 200m/896Mi → 1500m/1280Mi; backup 100m/128Mi →
 * 500m/256Mi. Volumes: database 25Gi, documents 150Gi, solr 20Gi, backup 180Gi, temp 5Gi.
 */
export const PEQUENO_II_PRODUCTION = figures({
  requests: {
    min: [250 + 50 + 200 + 25 + 200, 768 + 128 + 1280 + 160 + 896],
    max: [3 * 250 + 50 + 100 + 200 + 25 + 200 + 100, 3 * 768 + 128 + 256 + 1280 + 160 + 896 + 128],
  },
  limits: {
    min: [1500 + 250 + 1500 + 200 + 1500, 1536 + 256 + 1280 + 192 + 1280],
    max: [3 * 1500 + 250 + 500 + 1500 + 200 + 1500 + 500, 3 * 1536 + 256 + 768 + 1280 + 192 + 1280 + 256],
  },
  storageGi: { database: 25, documents: 150, solr: 20, backup: 180, temp: 5 },
});

export const ZERO = figures({
  requests: { min: [0, 0], max: [0, 0] },
  limits: { min: [0, 0], max: [0, 0] },
  storageGi: { database: 0, documents: 0, solr: 0, backup: 0, temp: 0 },
});

/**
 * A production instance that keeps its backup claim on a cluster with a backup store
 * (core/resolve/workloads.ts): the binlog shipper always runs, one backup pod more at the minimum,
 * and the store's nightly job may run beside it and the claim's job, two more at the maximum.
 * `backup`: the tier's backup container, [millicores, MiB] requested and at the limit.
 */
export function withStorePods(
  f: Figures,
  backup: { readonly requests: readonly [number, number]; readonly limits: readonly [number, number] },
): Figures {
  const plus = (a: Figures["requests"]["atMinReplicas"], [cpu, mem]: readonly [number, number], pods: number) => ({
    cpuMillicores: a.cpuMillicores + pods * cpu,
    memoryBytes: a.memoryBytes + pods * mem * Mi,
  });
  return {
    ...f,
    requests: {
      atMinReplicas: plus(f.requests.atMinReplicas, backup.requests, 1),
      atMaxReplicas: plus(f.requests.atMaxReplicas, backup.requests, 2),
    },
    limits: {
      atMinReplicas: plus(f.limits.atMinReplicas, backup.limits, 1),
      atMaxReplicas: plus(f.limits.atMaxReplicas, backup.limits, 2),
    },
  };
}
