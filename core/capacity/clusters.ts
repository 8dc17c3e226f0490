/**
 * What a cluster can give (platform.yaml `allocatable`) against what its
 * instances ask. The comparison uses requests at maximum replicas: that is what
 * every namespace quota reserves, so it is what the scheduler may be asked to
 * place at the worst moment (peak autoscaling during a rolling update).
 */
import type { Platform } from "../schema/platform.ts";
import type { Figures } from "./figures.ts";

export const DIMENSIONS = ["cpu", "memory", "storage"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Amounts {
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
  readonly storageBytes: number;
}

/** The field of Amounts that holds each dimension. */
export const AMOUNT_KEY = {
  cpu: "cpuMillicores",
  memory: "memoryBytes",
  storage: "storageBytes",
} as const satisfies Record<Dimension, keyof Amounts>;

export type Percentages = Readonly<Record<Dimension, number>>;

export type ClusterSpec = Platform["spec"]["clusters"][number];

export function allocatableOf(cluster: ClusterSpec): Amounts {
  const { cpu, memory, storage } = cluster.allocatable;
  return { cpuMillicores: cpu, memoryBytes: memory, storageBytes: storage };
}

/** The part of the figures a cluster must be able to hold. */
export function usageOf(figures: Figures): Amounts {
  return {
    cpuMillicores: figures.requests.atMaxReplicas.cpuMillicores,
    memoryBytes: figures.requests.atMaxReplicas.memoryBytes,
    storageBytes: figures.storageBytes.total,
  };
}

/** Free share of the allocatable capacity in percent, one decimal; negative when overcommitted. */
export function headroomPercent(usage: Amounts, allocatable: Amounts): Percentages {
  const percent = (d: Dimension) => {
    const have = allocatable[AMOUNT_KEY[d]];
    const use = usage[AMOUNT_KEY[d]];
    if (have === 0) return use === 0 ? 0 : -100;
    return Math.round(((have - use) / have) * 1000) / 10;
  };
  return { cpu: percent("cpu"), memory: percent("memory"), storage: percent("storage") };
}

export function overcommitted(usage: Amounts, allocatable: Amounts): Dimension[] {
  return DIMENSIONS.filter((d) => usage[AMOUNT_KEY[d]] > allocatable[AMOUNT_KEY[d]]);
}
