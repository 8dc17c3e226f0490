/**
 * The two things `capacity` computes: the report of one fleet, or the diff of
 * two revisions of it, each with the diagnostics of its rules.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { CapacityDiff } from "./diff.ts";
import { diffSnapshots } from "./diff.ts";
import type { CapacityReport } from "./capacity-report.ts";
import { buildReport } from "./capacity-report.ts";
import { checkDiff, checkReport } from "./checks.ts";
import type { Snapshot } from "./snapshot.ts";

export type CapacityResult =
  | { readonly mode: "report"; readonly report: CapacityReport; readonly diagnostics: readonly Diagnostic[] }
  | { readonly mode: "diff"; readonly diff: CapacityDiff; readonly diagnostics: readonly Diagnostic[] };

export function analyseFleet(snapshot: Snapshot): CapacityResult {
  const report = buildReport(snapshot);
  return { mode: "report", report, diagnostics: checkReport({ snapshot, report }) };
}

export function analyseChange(base: Snapshot, head: Snapshot): CapacityResult {
  const diff = diffSnapshots(base, head);
  return { mode: "diff", diff, diagnostics: checkDiff({ base, head, diff }) };
}
