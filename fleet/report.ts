/**
 * The fleet report: one versioned JSON document per run (or per CI job, merged
 * by the final job). The zod schema below is its single definition: the types
 * are inferred from it and `fleet report merge` reads reports back through it.
 *
 * Version 1. A field is only ever added; a change of meaning gets a new version.
 */
import { z } from "zod";
import { dnsLabel } from "../core/schema/fields.ts";
import { TIER_IDS } from "../core/schema/municipality.ts";
import { EXIT, type ExitCode } from "../shell/exit.ts";
import { ENGINE_NAMES } from "./engine.ts";

export const REPORT_VERSION = 1;

export const STATUSES = ["no-changes", "changes", "applied", "drifted", "refused", "failed", "skipped"] as const;
export type StackStatus = (typeof STATUSES)[number];

/** Statuses a report shows as needing attention (skipped stacks follow from a failure or an interruption). */
export const BAD_STATUSES: readonly StackStatus[] = ["drifted", "refused", "failed", "skipped"];
/** Statuses that count against --max-failures. */
export const FAILURE_STATUSES: readonly StackStatus[] = ["refused", "failed"];

export const COMMANDS = ["plan", "apply", "drift"] as const;
export type FleetCommand = (typeof COMMANDS)[number];

const timingsSchema = z.strictObject({
  initMs: z.number().int().nonnegative().optional(),
  planMs: z.number().int().nonnegative().optional(),
  showMs: z.number().int().nonnegative().optional(),
  /** `state pull`: the state's lineage and serial, for a saved plan (plan --out, apply --plans). */
  stateMs: z.number().int().nonnegative().optional(),
  applyMs: z.number().int().nonnegative().optional(),
});

export const stackReportSchema = z.strictObject({
  /** Stack name, `sei-<municipality>`. Names are DNS labels, as in the input files: a forged report cannot carry escapes in them. */
  name: dnsLabel(63),
  municipality: dnsLabel(63),
  tier: z.enum(TIER_IDS),
  cluster: dnsLabel(63),
  /** Name of the wave the stack ran in (apply); null for plan and drift, which have none. */
  wave: z.string().nullable(),
  status: z.enum(STATUSES),
  /** Resources the plan creates, updates in place, and deletes; a replacement counts as one add and one destroy. */
  add: z.number().int().nonnegative(),
  change: z.number().int().nonnegative(),
  destroy: z.number().int().nonnegative(),
  /** Addresses changed outside Terraform (drift), sorted. */
  drifted: z.array(z.string()),
  /** Addresses of data-bearing resources the plan would delete or replace: why a stack was refused. */
  refused: z.array(z.string()),
  durationMs: z.number().int().nonnegative(),
  /** The stack's engine log, relative to where the command ran; null when nothing ran. */
  log: z.string().nullable(),
  error: z.string().nullable(),
  /** Where the stack's time went, per engine command. */
  timings: timingsSchema,
});
export type StackReport = z.output<typeof stackReportSchema>;

export const waveSchema = z.strictObject({
  name: z.string().min(1),
  stacks: z.array(dnsLabel(63)),
});
export type WaveReport = z.output<typeof waveSchema>;

export const reportSchema = z.strictObject({
  schemaVersion: z.literal(REPORT_VERSION),
  command: z.enum(COMMANDS),
  selection: z.strictObject({
    municipalities: z.string(),
    only: z.array(z.string()).optional(),
    tiers: z.array(z.string()).optional(),
    phases: z.array(z.string()).optional(),
    clusters: z.array(z.string()).optional(),
    changedSince: z.string().optional(),
  }),
  /** Null only in a merged report no stack job wrote a report for. */
  engine: z.strictObject({ name: z.enum(ENGINE_NAMES), version: z.string(), path: z.string() }).nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  concurrency: z.number().int().positive(),
  /** The failure budget as given (`0`, `5%`); null for plan and drift. */
  maxFailures: z.string().nullable(),
  waves: z.array(waveSchema),
  /** Number of stacks per status (every status present, zeros included). */
  summary: z.record(z.enum(STATUSES), z.number().int().nonnegative()),
  stacks: z.array(stackReportSchema),
});
export type FleetReport = z.output<typeof reportSchema>;

/**
 * A stack's report with nothing counted yet: what a skipped stack, or a stack
 * missing from a merged rollout, reports; a run fills in the rest.
 */
export function stackReportOf(
  stack: Pick<StackReport, "name" | "municipality" | "tier" | "cluster">,
  wave: string | null,
  status: StackStatus,
  fields: Partial<Omit<StackReport, "name" | "municipality" | "tier" | "cluster" | "wave" | "status">> = {},
): StackReport {
  const { name, municipality, tier, cluster } = stack;
  return {
    name,
    municipality,
    tier,
    cluster,
    wave,
    status,
    add: 0,
    change: 0,
    destroy: 0,
    drifted: [],
    refused: [],
    durationMs: 0,
    log: null,
    error: null,
    timings: {},
    ...fields,
  };
}

export function summarize(stacks: readonly StackReport[]): Record<StackStatus, number> {
  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<StackStatus, number>;
  for (const stack of stacks) summary[stack.status]++;
  return summary;
}

/** Exit code of a finished run: 0 all well, 1 any failure, refusal, drift or skipped stack. */
/** shell/exit.ts: 1 when a stack failed, was refused or skipped; else 3 when one drifted; else 0. */
export function exitCodeOf(stacks: readonly StackReport[]): ExitCode {
  if (stacks.some((s) => s.status !== "drifted" && BAD_STATUSES.includes(s.status))) return EXIT.failed;
  return stacks.some((s) => s.status === "drifted") ? EXIT.drift : EXIT.ok;
}

export function failureCount(stacks: readonly StackReport[]): number {
  return stacks.filter((s) => FAILURE_STATUSES.includes(s.status)).length;
}

/** The report as written to disk: stable key order, two-space indent, final newline. */
export function formatReport(report: FleetReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
