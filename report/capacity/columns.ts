/**
 * The figure columns of the people-facing tables. `FULL` shows every figure
 * (min/max pairs share a cell); `COMPACT` shows what a cluster must hold
 * (requests at maximum replicas and storage), for summaries.
 */
import type { CpuMemory } from "../../core/plan.ts";
import type { Figures, ReplicaRange, StorageBytes } from "../../core/capacity/figures.ts";
import { bytes, cores, signed } from "./units.ts";

export interface FigureCell {
  readonly header: string;
  readonly show: (f: Figures) => string;
  readonly showDelta: (d: Figures) => string;
}

function range(
  header: string,
  pick: (f: Figures) => ReplicaRange,
  amount: (a: CpuMemory) => number,
  unit: (n: number) => string,
): FigureCell {
  const pair = (f: Figures, show: (n: number) => string) =>
    `${show(amount(pick(f).atMinReplicas))} / ${show(amount(pick(f).atMaxReplicas))}`;
  return {
    header: `${header} min / max`,
    show: (f) => pair(f, unit),
    showDelta: (d) => pair(d, (n) => signed(n, unit)),
  };
}

function single(header: string, read: (f: Figures) => number, unit: (n: number) => string): FigureCell {
  return { header, show: (f) => unit(read(f)), showDelta: (d) => signed(read(d), unit) };
}

const cpu = (a: CpuMemory) => a.cpuMillicores;
const memory = (a: CpuMemory) => a.memoryBytes;
const storage = (kind: keyof StorageBytes) => (f: Figures) => f.storageBytes[kind];

export const FULL: readonly FigureCell[] = [
  range("CPU requests", (f) => f.requests, cpu, cores),
  range("CPU limits", (f) => f.limits, cpu, cores),
  range("Memory requests", (f) => f.requests, memory, bytes),
  range("Memory limits", (f) => f.limits, memory, bytes),
  single("Database", storage("database"), bytes),
  single("Documents", storage("documents"), bytes),
  single("Solr", storage("solr"), bytes),
  single("Backup", storage("backup"), bytes),
  single("Storage", storage("total"), bytes),
  single("Object storage", (f) => f.objectStorageBytes, bytes),
];

export const COMPACT: readonly FigureCell[] = [
  single("CPU requests (max)", (f) => f.requests.atMaxReplicas.cpuMillicores, cores),
  single("Memory requests (max)", (f) => f.requests.atMaxReplicas.memoryBytes, bytes),
  single("Storage", storage("total"), bytes),
  single("Object storage", (f) => f.objectStorageBytes, bytes),
];
