/**
 * The capacity figures of one instance, and how figures add up.
 *
 * Every figure is read from the resolved InstancePlan (docs/architecture.md, "The plan, the single source"):
 * compute comes from `sumWorkloads`, the same function that sizes the
 * namespace quota, and storage from the plan's volumes. Nothing here knows a
 * tier number, so the report cannot disagree with what deploys.
 */
import { VOLUME_KINDS, type ComputeAmount, type CpuMemory, type InstancePlan, type VolumeKind } from "../plan.ts";
import { sumWorkloads } from "../resolve/quota.ts";

/** Compute of every pod of an instance at its minimum and at its maximum replica count. */
export interface ReplicaRange {
  readonly atMinReplicas: CpuMemory;
  readonly atMaxReplicas: CpuMemory;
}

/** Storage requested by the data volumes, in bytes, by kind and in total. */
export type StorageBytes = Readonly<Record<VolumeKind | "total", number>>;

export interface Figures {
  readonly requests: ReplicaRange;
  readonly limits: ReplicaRange;
  readonly storageBytes: StorageBytes;
  /** Off-site object storage of the backups, where the cluster has a store: not the cluster's storage. */
  readonly objectStorageBytes: number;
}

const ZERO_AMOUNT: CpuMemory = { cpuMillicores: 0, memoryBytes: 0 };

/**
 * CPU and memory of a plan amount. Node-local ephemeral storage is left out of
 * capacity figures (core/resolve/quota.ts says why); copying the two fields
 * keeps it out of every report format too.
 */
const cpuMemory = ({ cpuMillicores, memoryBytes }: ComputeAmount): CpuMemory => ({ cpuMillicores, memoryBytes });

export const ZERO_FIGURES: Figures = {
  requests: { atMinReplicas: ZERO_AMOUNT, atMaxReplicas: ZERO_AMOUNT },
  limits: { atMinReplicas: ZERO_AMOUNT, atMaxReplicas: ZERO_AMOUNT },
  storageBytes: { database: 0, documents: 0, solr: 0, backup: 0, temp: 0, total: 0 },
  objectStorageBytes: 0,
};

/** What one instance asks of its cluster, exactly as its plan deploys it. */
export function figuresOf(plan: InstancePlan): Figures {
  const atMin = sumWorkloads(plan.workloads, "minReplicas");
  const atMax = sumWorkloads(plan.workloads, "maxReplicas");
  const storage = (kind: VolumeKind) => plan.volumes[kind]?.storageBytes ?? 0;
  return {
    requests: { atMinReplicas: cpuMemory(atMin.requests), atMaxReplicas: cpuMemory(atMax.requests) },
    limits: { atMinReplicas: cpuMemory(atMin.limits), atMaxReplicas: cpuMemory(atMax.limits) },
    storageBytes: {
      database: storage("database"),
      documents: storage("documents"),
      solr: storage("solr"),
      backup: storage("backup"),
      temp: storage("temp"),
      total: VOLUME_KINDS.reduce((sum, kind) => sum + storage(kind), 0),
    },
    objectStorageBytes: plan.backupStore?.objectStorageBytes ?? 0,
  };
}

/** Applies `op` to every pair of matching numbers of two figures. */
function combine(a: Figures, b: Figures, op: (x: number, y: number) => number): Figures {
  const amount = (x: CpuMemory, y: CpuMemory): CpuMemory => ({
    cpuMillicores: op(x.cpuMillicores, y.cpuMillicores),
    memoryBytes: op(x.memoryBytes, y.memoryBytes),
  });
  const range = (x: ReplicaRange, y: ReplicaRange): ReplicaRange => ({
    atMinReplicas: amount(x.atMinReplicas, y.atMinReplicas),
    atMaxReplicas: amount(x.atMaxReplicas, y.atMaxReplicas),
  });
  const s = (key: keyof StorageBytes) => op(a.storageBytes[key], b.storageBytes[key]);
  return {
    requests: range(a.requests, b.requests),
    limits: range(a.limits, b.limits),
    storageBytes: {
      database: s("database"),
      documents: s("documents"),
      solr: s("solr"),
      backup: s("backup"),
      temp: s("temp"),
      total: s("total"),
    },
    objectStorageBytes: op(a.objectStorageBytes, b.objectStorageBytes),
  };
}

export function addFigures(a: Figures, b: Figures): Figures {
  return combine(a, b, (x, y) => x + y);
}

export function subtractFigures(a: Figures, b: Figures): Figures {
  return combine(a, b, (x, y) => x - y);
}

export function sumFigures(all: Iterable<Figures>): Figures {
  let total = ZERO_FIGURES;
  for (const figures of all) total = addFigures(total, figures);
  return total;
}

export function sameFigures(a: Figures, b: Figures): boolean {
  let same = true;
  combine(a, b, (x, y) => {
    if (x !== y) same = false;
    return 0;
  });
  return same;
}

/**
 * Every figure with a stable name and its unit, in report order, for the flat
 * formats (CSV columns): iterating one list means no column forgets a figure.
 */
export const FIGURE_COLUMNS = [
  { key: "cpuRequestsMin", unit: "cpu", read: (f: Figures) => f.requests.atMinReplicas.cpuMillicores },
  { key: "cpuRequestsMax", unit: "cpu", read: (f: Figures) => f.requests.atMaxReplicas.cpuMillicores },
  { key: "cpuLimitsMin", unit: "cpu", read: (f: Figures) => f.limits.atMinReplicas.cpuMillicores },
  { key: "cpuLimitsMax", unit: "cpu", read: (f: Figures) => f.limits.atMaxReplicas.cpuMillicores },
  { key: "memoryRequestsMin", unit: "bytes", read: (f: Figures) => f.requests.atMinReplicas.memoryBytes },
  { key: "memoryRequestsMax", unit: "bytes", read: (f: Figures) => f.requests.atMaxReplicas.memoryBytes },
  { key: "memoryLimitsMin", unit: "bytes", read: (f: Figures) => f.limits.atMinReplicas.memoryBytes },
  { key: "memoryLimitsMax", unit: "bytes", read: (f: Figures) => f.limits.atMaxReplicas.memoryBytes },
  { key: "storageDatabase", unit: "bytes", read: (f: Figures) => f.storageBytes.database },
  { key: "storageDocuments", unit: "bytes", read: (f: Figures) => f.storageBytes.documents },
  { key: "storageSolr", unit: "bytes", read: (f: Figures) => f.storageBytes.solr },
  { key: "storageBackup", unit: "bytes", read: (f: Figures) => f.storageBytes.backup },
  { key: "storageTemp", unit: "bytes", read: (f: Figures) => f.storageBytes.temp },
  { key: "storageTotal", unit: "bytes", read: (f: Figures) => f.storageBytes.total },
  { key: "objectStorage", unit: "bytes", read: (f: Figures) => f.objectStorageBytes },
] as const;
