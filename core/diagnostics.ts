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
