/**
 * Diagnostics for people: one "file:line:column: severity: path: message" line
 * each (the form editors and terminals turn into links), then a summary.
 * The cdktf app prints the same text when it refuses to synthesize.
 */
import type { Diagnostic } from "../../core/diagnostics.ts";
import { printable } from "../../core/printable.ts";
import { plural } from "../plural.ts";

export interface TextOptions {
  /** ANSI colours; only when writing to a terminal. @default false */
  readonly colour?: boolean;
  /** How many files were checked, for the summary line. */
  readonly fileCount: number;
}

const ANSI = {
  red: "\u001b[31m",
  yellow: "\u001b[33m",
  green: "\u001b[32m",
  bold: "\u001b[1m",
  dim: "\u001b[2m",
  reset: "\u001b[0m",
};

/** "file:line:column: severity: path: message", the form editors and CI logs link to; one line, whatever the file holds (core/printable.ts). */
export function formatDiagnostic(d: Diagnostic): string {
  const file = printable(d.file);
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  const field = d.path ? `${printable(d.path)}: ` : "";
  return `${where}: ${d.severity}: ${field}${printable(d.message)}`;
}

export function formatText(diagnostics: readonly Diagnostic[], { colour = false, fileCount }: TextOptions): string {
  const paint = (style: keyof typeof ANSI, text: string) => (colour ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const lines = diagnostics.map((d) => {
    const line = formatDiagnostic(d);
    if (!colour) return line;
    const severity = `${d.severity}:`;
    const at = line.indexOf(`: ${severity}`);
    return (
      paint("bold", line.slice(0, at)) +
      ": " +
      paint(d.severity === "error" ? "red" : "yellow", severity) +
      line.slice(at + 2 + severity.length)
    );
  });
  lines.push(summary(diagnostics, fileCount, paint));
  return `${lines.join("\n")}\n`;
}

function summary(
  diagnostics: readonly Diagnostic[],
  fileCount: number,
  paint: (style: keyof typeof ANSI, text: string) => string,
): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = plural(fileCount, "file");
  if (errors === 0 && warnings === 0) return paint("green", `${files} valid`);
  const counts = [
    errors > 0 ? paint("red", plural(errors, "error")) : "",
    warnings > 0 ? paint("yellow", plural(warnings, "warning")) : "",
  ];
  const verdict = errors > 0 ? "invalid" : "valid";
  return `${counts.filter(Boolean).join(", ")} in ${files} checked: ${verdict}`;
}
