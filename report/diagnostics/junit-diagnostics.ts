/**
 * Diagnostics as JUnit XML, which every CI engine shows as a test report: one
 * test case per file checked (and per other file a problem names, such as the
 * official list); a file with errors fails, each error a line of the failure,
 * its warnings in the case's output.
 */
import type { Diagnostic } from "../../core/diagnostics.ts";
import { printable } from "../../core/printable.ts";
import { xmlAttr, xmlText } from "../xml.ts";
import { formatDiagnostic } from "./text.ts";

export function formatJunit(diagnostics: readonly Diagnostic[], files: readonly string[]): string {
  const byFile = new Map<string, Diagnostic[]>(files.map((file) => [file, []]));
  for (const d of diagnostics) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  const cases = [...byFile].map(([file, found]) => testcase(file, found));
  const failures = [...byFile.values()].filter((found) => found.some((d) => d.severity === "error")).length;
  const counts = ` tests="${byFile.size}" failures="${failures}" errors="0" skipped="0"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sei-infra validate"${counts}>`,
    `  <testsuite name="sei-infra validate"${counts}>`,
    ...cases.flat(),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

function testcase(file: string, found: readonly Diagnostic[]): string[] {
  const open = `    <testcase classname="sei-infra.validate" name="${xmlAttr(printable(file))}"`;
  const errors = found.filter((d) => d.severity === "error");
  const warnings = found.filter((d) => d.severity === "warning");
  if (errors.length === 0 && warnings.length === 0) return [`${open}/>`];
  const lines = [`${open}>`];
  const first = errors[0];
  if (first) {
    const message = `${first.path ? `${printable(first.path)}: ` : ""}${printable(first.message)}`;
    const body = errors.map(formatDiagnostic).join("\n");
    lines.push(`      <failure type="error" message="${xmlAttr(message)}">${xmlText(body)}</failure>`);
  }
  if (warnings.length > 0)
    lines.push(`      <system-out>${xmlText(warnings.map(formatDiagnostic).join("\n"))}</system-out>`);
  lines.push("    </testcase>");
  return lines;
}
