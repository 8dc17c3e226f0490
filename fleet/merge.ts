/**
 * Merging reports: the final job of an emitted pipeline gathers the report of
 * every stack job (`fleet apply --only <stack>`) into one report for the
 * whole rollout.
 *
 * With the rollout plan the pipeline was emitted from, stacks take the wave
 * of the plan, and a stack with no report is accounted for: skipped when
 * nothing of its wave reported (the wave was held), failed when the rest of
 * its wave did (its job died before writing a report).
 */
import { printable } from "../core/printable.ts";
import { UsageError } from "../shell/exit.ts";
import { REPORT_VERSION, STATUSES, stackReportOf, summarize, type FleetReport, type StackReport } from "./report.ts";
import type { RolloutPlan } from "./rollout-plan.ts";

export interface NamedReport {
  readonly file: string;
  readonly report: FleetReport;
}

export function mergeReports(inputs: readonly NamedReport[], plan?: RolloutPlan): FleetReport {
  // With a rollout plan, no report at all still makes a report: every job died before writing one.
  if (inputs.length === 0 && !plan) throw new UsageError("no report to merge");
  const commands = [...new Set(inputs.map((i) => i.report.command))];
  if (commands.length > 1) {
    throw new UsageError(
      `reports of different commands cannot be merged: ${inputs.map((i) => `${printable(i.file)} (${i.report.command})`).join(", ")}`,
    );
  }
  const ordered = [...inputs].sort(
    (a, b) => a.report.startedAt.localeCompare(b.report.startedAt) || a.file.localeCompare(b.file),
  );
  const first = ordered[0]?.report;

  // A stack reported twice (a retried job): the later run counts.
  const byStack = new Map<string, StackReport>();
  const finishedAt = new Map<string, string>();
  for (const { report } of ordered) {
    for (const stack of report.stacks) {
      if ((finishedAt.get(stack.name) ?? "") <= report.finishedAt) {
        byStack.set(stack.name, stack);
        finishedAt.set(stack.name, report.finishedAt);
      }
    }
  }

  let stacks: StackReport[];
  let waves: FleetReport["waves"];
  if (plan) {
    waves = plan.waves;
    const identity = new Map(plan.stacks.map((s) => [s.name, s]));
    stacks = plan.waves.flatMap((wave) => {
      const reported = wave.stacks.some((name) => byStack.has(name));
      return wave.stacks.map((name): StackReport => {
        const found = byStack.get(name);
        if (found) return { ...found, wave: wave.name };
        const s = identity.get(name);
        if (!s)
          throw new UsageError(
            `the rollout plan lists ${name} in wave ${printable(wave.name)} but not among its stacks`,
          );
        return stackReportOf(s, wave.name, reported ? "failed" : "skipped", {
          error: reported
            ? "no report: the stack's job did not finish"
            : "no report: the wave did not run (held or cancelled), or all its jobs died first",
        });
      });
    });
    const planned = new Set(plan.stacks.map((s) => s.name));
    const extra = [...byStack.keys()].filter((name) => !planned.has(name));
    if (extra.length > 0)
      throw new UsageError(`reports for stacks the rollout plan does not list: ${extra.join(", ")}`);
  } else {
    stacks = [...byStack.values()].sort((a, b) => a.name.localeCompare(b.name));
    const names = [...new Set(ordered.flatMap(({ report }) => report.waves.map((w) => w.name)))];
    waves = names.map((name) => ({ name, stacks: stacks.filter((s) => s.wave === name).map((s) => s.name) }));
  }

  const only = [...new Set(ordered.flatMap(({ report }) => report.selection.only ?? []))].sort();
  const now = new Date().toISOString();
  return {
    schemaVersion: REPORT_VERSION,
    // Emitted pipelines (the only source of a rollout plan) apply.
    command: first?.command ?? "apply",
    selection: {
      municipalities: first?.selection.municipalities ?? "municipalities",
      ...(only.length > 0 ? { only } : {}),
    },
    engine: first?.engine ?? null,
    startedAt: ordered.map((i) => i.report.startedAt).sort()[0] ?? now,
    finishedAt:
      ordered
        .map((i) => i.report.finishedAt)
        .sort()
        .at(-1) ?? now,
    concurrency: Math.max(1, ...ordered.map((i) => i.report.concurrency)),
    maxFailures: plan?.maxFailures ?? first?.maxFailures ?? null,
    waves,
    summary: summarize(stacks),
    stacks,
  };
}

/** One line for people: "12 stacks: 10 applied, 1 failed, 1 skipped". */
export function summaryLine(report: FleetReport): string {
  const parts = STATUSES.filter((s) => report.summary[s] > 0).map((s) => `${report.summary[s]} ${s}`);
  return `${report.stacks.length} stack(s): ${parts.join(", ") || "none"}`;
}
