/**
 * Diagnostics as a GitLab Code Quality report (a JSON array of issues), which
 * the merge request widget shows, new problems apart from the target branch's.
 * GitLab requires description, check_name, fingerprint, severity and
 * location.path with location.lines.begin; the fingerprint identifies an issue
 * across pipelines, so it hashes the file, field and message (not the line,
 * which moves with unrelated edits), with a counter for repeats in one report.
 */
import { createHash } from "node:crypto";
import type { Diagnostic } from "../../core/diagnostics.ts";
import { printable } from "../../core/printable.ts";
import { formatDiagnostic } from "./text.ts";

export function formatGitlab(diagnostics: readonly Diagnostic[]): string {
  const seen = new Map<string, number>();
  const issues = diagnostics.map((d) => {
    const identity = [d.file, d.path, d.message].join("\u0000");
    const repeat = seen.get(identity) ?? 0;
    seen.set(identity, repeat + 1);
    return {
      type: "issue",
      check_name: `sei-infra validate${d.path ? `: ${printable(d.path)}` : ""}`,
      description: formatDiagnostic(d),
      severity: d.severity === "error" ? "major" : "minor",
      fingerprint: createHash("sha256").update(`${identity}\u0000${repeat}`).digest("hex"),
      location: { path: printable(d.file), lines: { begin: Math.max(1, d.line) } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
