/**
 * A table of already formatted cells, rendered as aligned text for a terminal
 * or as a GitHub markdown table: the capacity report and the synthesis
 * summary both draw their tables here. A report builds a Table once; each
 * format only decides how to draw it. Cells are made printable
 * (core/printable.ts) before they are measured and drawn.
 */
import { printable } from "../core/printable.ts";

export type Align = "left" | "right";

export interface Table {
  readonly headers: readonly string[];
  /** Per column; text left, figures right. */
  readonly align: readonly Align[];
  readonly rows: readonly (readonly string[])[];
}

export interface TextTableOptions {
  /** A line of dashes under the headers. @default true */
  readonly underline?: boolean;
}

export function textTable(table: Table, { underline = true }: TextTableOptions = {}): string {
  const { headers, align, rows } = printableTable(table);
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i]!, align[i] ?? "left"))
      .join("  ")
      .trimEnd();
  return [line(headers), ...(underline ? [line(widths.map((w) => "-".repeat(w)))] : []), ...rows.map(line)].join("\n");
}

export function markdownTable(table: Table): string {
  const { headers, align, rows } = printableTable(table);
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  const rule = `|${align.map((a) => (a === "right" ? "---:" : ":---")).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

function printableTable({ headers, align, rows }: Table): Table {
  return {
    headers: headers.map((h) => printable(h)),
    align,
    rows: rows.map((row) => row.map((cell) => printable(cell))),
  };
}

function escapeCell(cell: string): string {
  return cell.replaceAll("|", "\\|");
}

/** Code points, not UTF-16 units, so "→" and accented names line up. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, to - width(text)));
  return align === "right" ? fill + text : text + fill;
}
