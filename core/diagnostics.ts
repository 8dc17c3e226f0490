/** A problem found in an input file, positioned for people and for CI annotations. */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  /** Path of the file as the user named it (relative to the working directory when possible). */
  readonly file: string;
  /** 1-based; 0 when the problem concerns the file as a whole. */
  readonly line: number;
  readonly column: number;
  /** Dotted field path such as "spec.contract.pncpId"; "" for the whole document. */
  readonly path: string;
  readonly message: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** "file:line:column: path: message", the form editors and CI logs link to. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const field = d.path ? `${d.path}: ` : "";
  return `${where}: ${d.severity}: ${field}${d.message}`;
}
