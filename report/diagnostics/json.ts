/**
 * Diagnostics for programs: `{ ok, files, errors, warnings }`, each problem as
 * `{ file, line, column, path, message }`. The shape is a contract with CI
 * tooling; add fields, never rename them.
 */
import type { Diagnostic } from "../../core/diagnostics.ts";
import { printable } from "../../core/printable.ts";

export interface JsonProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

export interface JsonReport {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean;
  /** The files checked. */
  readonly files: readonly string[];
  readonly errors: readonly JsonProblem[];
  readonly warnings: readonly JsonProblem[];
}

/** Texts as the other formats print them (core/printable.ts): JSON would escape control characters, but not bidi overrides, and would not cut. */
export function jsonReport(diagnostics: readonly Diagnostic[], files: readonly string[]): JsonReport {
  const problem = ({ file, line, column, path, message }: Diagnostic): JsonProblem => ({
    file: printable(file),
    line,
    column,
    path: printable(path),
    message: printable(message),
  });
  const errors = diagnostics.filter((d) => d.severity === "error").map(problem);
  const warnings = diagnostics.filter((d) => d.severity === "warning").map(problem);
  return { ok: errors.length === 0, files: files.map((file) => printable(file)), errors, warnings };
}

export function formatJson(diagnostics: readonly Diagnostic[], files: readonly string[]): string {
  return `${JSON.stringify(jsonReport(diagnostics, files), null, 2)}\n`;
}
