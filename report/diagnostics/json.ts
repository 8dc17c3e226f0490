/**
 * Diagnostics for programs: `{ ok, files, errors, warnings }`, each problem as
 * `{ file, line, column, path, message }`. The shape is a contract with CI
 * tooling; add fields, never rename them.
 */
import type { Diagnostic } from "../../core/diagnostics.ts";

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

export function jsonReport(diagnostics: readonly Diagnostic[], files: readonly string[]): JsonReport {
  const problem = ({ file, line, column, path, message }: Diagnostic): JsonProblem => ({ file, line, column, path, message });
  const errors = diagnostics.filter((d) => d.severity === "error").map(problem);
  const warnings = diagnostics.filter((d) => d.severity === "warning").map(problem);
  return { ok: errors.length === 0, files, errors, warnings };
}

export function formatJson(diagnostics: readonly Diagnostic[], files: readonly string[]): string {
  return `${JSON.stringify(jsonReport(diagnostics, files), null, 2)}\n`;
}
