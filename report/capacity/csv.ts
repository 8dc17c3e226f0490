/**
 * One flat table for spreadsheets: a row per municipality, tier, cluster and
 * fleet total; with a diff, a base, a head and a delta row for each changed
 * municipality and each total. Exact units (millicores, bytes) in every
 * figure column, named in its header.
 */
import type { CapacityResult } from "../../core/capacity/analyse.ts";
import type { Figures } from "../../core/capacity/figures.ts";
import { FIGURE_COLUMNS } from "../../core/capacity/figures.ts";
import type { Group, MunicipalityRow } from "../../core/capacity/capacity-report.ts";
import type { Status } from "../../core/capacity/snapshot.ts";
import { printable } from "../../core/printable.ts";

const HEADERS = [
  "scope",
  "side",
  "name",
  "tier",
  "phase",
  "cluster",
  "status",
  "municipalities",
  "reasons",
  ...FIGURE_COLUMNS.map((c) => `${snake(c.key)}_${c.unit === "cpu" ? "millicores" : "bytes"}`),
];

type Side = "base" | "head" | "delta";

interface Line {
  readonly scope: "municipality" | "tier" | "cluster" | Status;
  readonly side: Side;
  readonly name: string;
  readonly row?: MunicipalityRow | null;
  readonly municipalities?: number;
  readonly reasons?: readonly string[];
  readonly figures: Figures | null;
}

export function renderCsv(result: CapacityResult): string {
  const lines: Line[] = [];
  if (result.mode === "report") {
    const { report } = result;
    for (const row of report.municipalities)
      lines.push({ scope: "municipality", side: "head", name: row.name, row, figures: row.figures });
    for (const t of report.tiers) lines.push(group("tier", "head", t.tier, t));
    for (const c of report.clusters) lines.push(group("cluster", "head", c.name, c));
    lines.push(group("active", "head", "fleet", report.totals), group("pipeline", "head", "fleet", report.pipeline));
  } else {
    const { diff } = result;
    for (const c of diff.changes) {
      const common = { scope: "municipality", name: c.name, reasons: c.reasons } as const;
      lines.push(
        { ...common, side: "base", row: c.before, figures: c.before?.figures ?? null },
        { ...common, side: "head", row: c.after, figures: c.after?.figures ?? null },
        { ...common, side: "delta", figures: c.delta },
      );
    }
    const triple = (scope: Line["scope"], name: string, before: Group | null, after: Group | null, delta: Figures) => [
      ...(before ? [group(scope, "base", name, before)] : []),
      ...(after ? [group(scope, "head", name, after)] : []),
      { scope, side: "delta" as const, name, figures: delta },
    ];
    for (const t of diff.tiers) lines.push(...triple("tier", t.tier, t.before, t.after, t.delta));
    for (const c of diff.clusters) lines.push(...triple("cluster", c.name, c.before, c.after, c.delta));
    lines.push(...triple("active", "fleet", diff.totals.before, diff.totals.after, diff.totals.delta));
    lines.push(...triple("pipeline", "fleet", diff.pipeline.before, diff.pipeline.after, diff.pipeline.delta));
  }
  return [HEADERS, ...lines.map(cells)].map((r) => r.map(quote).join(",")).join("\n") + "\n";
}

function group(scope: Line["scope"], side: Side, name: string, g: Group): Line {
  return { scope, side, name, municipalities: g.municipalities, figures: g.figures };
}

function cells(line: Line): string[] {
  const r = line.row;
  return [
    line.scope,
    line.side,
    line.name,
    r?.tier ?? "",
    r?.phase ?? "",
    r?.cluster ?? "",
    r?.status ?? "",
    line.municipalities === undefined ? "" : String(line.municipalities),
    (line.reasons ?? []).join("; "),
    ...FIGURE_COLUMNS.map((c) => (line.figures ? String(c.read(line.figures)) : "")),
  ];
}

/** A cell as RFC 4180 writes it; printable first (core/printable.ts), so no line break can start a row. */
function quote(text: string): string {
  const cell = printable(text);
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
