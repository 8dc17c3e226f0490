/** Stacks and stack reports for fleet unit tests. */
import type { StackReport, StackStatus } from "../../fleet/report.ts";
import type { FleetStack } from "../../fleet/selection.ts";

export function stack(
  municipality: string,
  tier: FleetStack["tier"] = "pequeno-i",
  cluster = "bh-1",
  population = 10_000,
): FleetStack {
  return { name: `sei-${municipality}`, municipality, tier, phase: "production", cluster, population };
}

export function stackReport(s: FleetStack, status: StackStatus, fields: Partial<StackReport> = {}): StackReport {
  return {
    name: s.name,
    municipality: s.municipality,
    tier: s.tier,
    cluster: s.cluster,
    wave: null,
    status,
    add: 0,
    change: 0,
    destroy: 0,
    drifted: [],
    refused: [],
    durationMs: 1000,
    log: `logs/${s.name}.log`,
    error: status === "failed" ? "apply: boom" : null,
    timings: {},
    ...fields,
  };
}
