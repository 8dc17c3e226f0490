/**
 * A pull-request comment: problems first, then what changes, then the totals.
 * Long tables fold into <details> so the comment stays readable.
 */
import type { Diagnostic } from "../../core/diagnostics.ts";
import { formatDiagnostic } from "../diagnostics/text.ts";
import type { CapacityResult } from "../../core/capacity/analyse.ts";
import { diffTables, reportTables } from "./sections.ts";
import { summary, title } from "./summary.ts";
import { markdownTable } from "../table.ts";

export function renderMarkdown(result: CapacityResult): string {
  const parts = [`## ${title(result)}`, summary(result), ...problems(result.diagnostics)];
  const quotas =
    "Requests at maximum replicas (what the namespace quotas reserve) against the allocatable capacity in `platform.yaml`.";
  if (result.mode === "report") {
    const t = reportTables(result.report);
    parts.push(
      "### Fleet",
      markdownTable(t.fleet),
      "### Clusters",
      quotas,
      markdownTable(t.clusters),
      "### Tiers",
      markdownTable(t.tiers),
      details(`Every municipality (${result.report.municipalities.length})`, markdownTable(t.municipalities)),
    );
  } else {
    const t = diffTables(result.diff);
    parts.push(
      "### Changes",
      ...(t.changes
        ? [
            markdownTable(t.changes.compact),
            details("Every figure of the changed municipalities", markdownTable(t.changes.full)),
          ]
        : ["No municipality changes."]),
      "### Fleet",
      markdownTable(t.fleet.compact),
      details("Every figure of the fleet", markdownTable(t.fleet.full)),
      "### Clusters",
      quotas,
      markdownTable(t.clusters),
      "### Tiers",
      markdownTable(t.tiers),
    );
  }
  return parts.join("\n\n") + "\n";
}

/** GitHub alert blocks, so a shrink or an overcommit cannot be missed. */
function problems(diagnostics: readonly Diagnostic[]): string[] {
  const block = (kind: string, severity: Diagnostic["severity"]) => {
    const found = diagnostics.filter((d) => d.severity === severity);
    return found.length ? [[`> [!${kind}]`, ...found.map((d) => `> - ${inline(formatDiagnostic(d))}`)].join("\n")] : [];
  };
  return [...block("CAUTION", "error"), ...block("WARNING", "warning")];
}

function inline(text: string): string {
  return text.replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function details(summaryText: string, body: string): string {
  return `<details><summary>${summaryText}</summary>\n\n${body}\n\n</details>`;
}
