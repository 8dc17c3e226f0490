/**
 * The drill report (docs/drills.md): one versioned JSON document per `fleet drill` run, its zod
 * schema the single definition (a previous report is read back through it for each municipality's
 * last good drill), and its markdown summary and JUnit XML, drawn with the fleet's table and XML
 * helpers (report/table.ts, report/xml.ts) as the fleet report's are.
 *
 * Version 1. A field is only ever added; a change of meaning gets a new version.
 */
import { z } from "zod";
import { dnsLabel } from "../../core/schema/fields.ts";
import { TIER_IDS } from "../../core/schema/municipality.ts";
import { markdownTable } from "../../report/table.ts";
import { xmlAttr as attr, xmlText as text } from "../../report/xml.ts";

export const DRILL_REPORT_VERSION = 1;

export const DRILL_STATUSES = ["passed", "failed", "interrupted"] as const;

export const drillSchema = z.strictObject({
  municipality: dnsLabel(63),
  tier: z.enum(TIER_IDS),
  cluster: dnsLabel(63),
  /** passed: every table and document as recorded; failed: a difference, or the drill could not run. */
  status: z.enum(DRILL_STATUSES),
  scratchNamespace: dnsLabel(63),
  startedAt: z.iso.datetime(),
  /** From the scratch namespace's creation to the check's end: what a restore into a new namespace takes. */
  rtoSeconds: z.number().int().nonnegative().nullable(),
  /** The restore's own share of it (loading the set). */
  restoreSeconds: z.number().int().nonnegative().nullable(),
  /** Age of the newest shipped binlogs when the drill ran: what a loss then would have cost. */
  rpoSeconds: z.number().int().nonnegative().nullable(),
  /** The backup drilled: its manifest's time. */
  backupAt: z.iso.datetime().nullable(),
  /** This drill's start if it passed, else the last passing one of the previous report, or null. */
  lastGoodDrill: z.iso.datetime().nullable(),
  /** What differs from what the backup recorded, the first 50 (fleet/drill/outcome.ts). */
  differences: z.array(z.string().max(400)),
  differenceCount: z.number().int().nonnegative(),
  error: z.string().max(2000).nullable(),
});
export type DrillReportEntry = z.output<typeof drillSchema>;

export const drillReportSchema = z.strictObject({
  schemaVersion: z.literal(DRILL_REPORT_VERSION),
  command: z.literal("drill"),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  drills: z.array(drillSchema),
});
export type DrillReport = z.output<typeof drillReportSchema>;

export function formatDrillReport(report: DrillReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const duration = (seconds: number | null) =>
  seconds === null ? "-" : seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;

export function renderDrillMarkdown(report: DrillReport): string {
  const passed = report.drills.filter((d) => d.status === "passed").length;
  const table = markdownTable({
    headers: ["municipality", "cluster", "drill", "RTO", "RPO", "backup of", "last good drill", "what differs"],
    align: ["left", "left", "left", "right", "right", "left", "left", "left"],
    rows: report.drills.map((d) => [
      d.municipality,
      d.cluster,
      d.status,
      duration(d.rtoSeconds),
      duration(d.rpoSeconds),
      d.backupAt ?? "-",
      d.lastGoodDrill ?? "never",
      whatDiffers(d),
    ]),
  });
  return `## Restore drills: ${passed} of ${report.drills.length} passed\n\n${table}\n`;
}

function whatDiffers(d: DrillReportEntry): string {
  if (d.error) return d.error;
  if (d.differenceCount === 0) return "";
  const more = d.differenceCount - d.differences.length;
  return `${d.differences.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}

export function renderDrillJunit(report: DrillReport): string {
  const failures = report.drills.filter((d) => d.status !== "passed").length;
  const time = (d: DrillReportEntry) => String(d.rtoSeconds ?? 0);
  const total = report.drills.reduce((sum, d) => sum + (d.rtoSeconds ?? 0), 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sei-infra fleet drill" tests="${report.drills.length}" failures="${failures}" errors="0" skipped="0" time="${total}">`,
    `  <testsuite name="drill" tests="${report.drills.length}" failures="${failures}" errors="0" skipped="0" time="${total}" timestamp="${attr(report.startedAt)}">`,
  ];
  for (const d of report.drills) {
    out.push(`    <testcase classname="sei-infra.fleet.drill" name="${attr(d.municipality)}" time="${time(d)}">`);
    out.push(
      `      <properties><property name="tier" value="${attr(d.tier)}"/><property name="cluster" value="${attr(d.cluster)}"/><property name="rpoSeconds" value="${d.rpoSeconds ?? ""}"/></properties>`,
    );
    if (d.status !== "passed")
      out.push(
        `      <failure type="${d.status}" message="${attr(d.error ?? `${d.differenceCount} difference(s) from the backup's manifest`)}">${text(d.differences.join("\n"))}</failure>`,
      );
    out.push("    </testcase>");
  }
  out.push("  </testsuite>", "</testsuites>", "");
  return out.join("\n");
}
