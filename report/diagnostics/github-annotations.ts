/**
 * Diagnostics as GitHub Actions workflow commands
 * (`::error file=…,line=…,col=…,title=…::message`), which the runner turns into
 * annotations on the pull request's changed lines. Every text is made
 * printable first (core/printable.ts), so a newline or a control character in
 * a file name or a value cannot end the command and start another.
 */
import type { Diagnostic } from "../../core/diagnostics.ts";
import { printable } from "../../core/printable.ts";

export function formatGithub(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const lines = diagnostics.map((d) => {
    const properties = [`file=${escapeProperty(printable(d.file))}`];
    if (d.line > 0) properties.push(`line=${d.line}`, `col=${d.column}`);
    properties.push(`title=${escapeProperty(printable(d.path) || "sei-infra validate")}`);
    return `::${d.severity} ${properties.join(",")}::${escapeData(printable(d.message))}`;
  });
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  lines.push(
    `sei-infra validate: ${errors} error(s), ${diagnostics.length - errors} warning(s) in ${fileCount} file(s)`,
  );
  return `${lines.join("\n")}\n`;
}

/** Escaping of a workflow command's message, as the runner (actions/toolkit) unescapes it. */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Property values also escape ":" and ",", which separate properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
