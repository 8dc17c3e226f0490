/** Stacks and stack reports for fleet unit tests. */
import { REPORT_VERSION, summarize, type FleetReport, type StackReport, type StackStatus } from "../../fleet/report.ts";
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

/** The report of one emitted job: `fleet apply --only <stack>`. */
export function jobReport(r: StackReport): FleetReport {
  return {
    schemaVersion: REPORT_VERSION,
    command: "apply",
    selection: { municipalities: "municipalities", only: [r.name] },
    engine: { name: "opentofu", version: "1.12.6", path: "/usr/bin/tofu" },
    startedAt: "2026-05-04T10:00:00.000Z",
    finishedAt: "2026-05-04T10:01:00.000Z",
    concurrency: 4,
    maxFailures: "0",
    waves: [{ name: "canary", stacks: [r.name] }],
    summary: summarize([r]),
    stacks: [r],
  };
}
