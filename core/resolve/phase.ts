/**
 * What a phase runs (docs/architecture.md, "Lifecycle phases"): production gets the tier's high
 * availability and backups; earlier phases run one app replica; suspended
 * keeps every object but runs nothing; decommissioned drops the release and
 * keeps the data. Every other resolve module reads these facts, never the phase.
 */
import type { Phase } from "../schema/municipality.ts";

export interface PhaseFacts {
  /** Pods run (not suspended, not decommissioned). */
  readonly runs: boolean;
  /** The Helm release exists (not decommissioned). */
  readonly released: boolean;
  /** High availability and backups, where the tier has them. */
  readonly production: boolean;
  /** `count` while pods run, else 0. */
  readonly running: (count: number) => number;
}

export function phaseFacts(phase: Phase): PhaseFacts {
  const runs = phase !== "suspended" && phase !== "decommissioned";
  return {
    runs,
    released: phase !== "decommissioned",
    production: phase === "production",
    running: (count) => (runs ? count : 0),
  };
}
