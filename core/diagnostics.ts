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

export interface DiagnosticOptions {
  /** @default "error" */
  readonly severity?: Diagnostic["severity"];
  /** Dotted field path. @default "" (the whole document) */
  readonly path?: string;
  /** Where in the file. @default line and column 0: the file as a whole, or a field a later step positions */
  readonly at?: { readonly line: number; readonly column: number };
}

/** A problem of `file`: positioned when `at` is known, else of the file as a whole. */
export function fileDiagnostic(
  file: string,
  message: string,
  { severity = "error", path = "", at }: DiagnosticOptions = {},
): Diagnostic {
  return { severity, file, line: at?.line ?? 0, column: at?.column ?? 0, path, message };
}
