/** Aligned tables for a terminal; the diagnostics go to standard error, not here. */
import type { CapacityResult } from "../../core/capacity/analyse.ts";
import { diffTables, reportTables } from "./sections.ts";
import { summary, title } from "./summary.ts";
import { textTable } from "../table.ts";

const CLUSTERS = "Clusters (requests at maximum replicas against allocatable)";

export function renderText(result: CapacityResult): string {
  let sections: [string, string][];
  if (result.mode === "report") {
    const t = reportTables(result.report);
    sections = [
      ["Municipalities", textTable(t.municipalities)],
      ["Tiers (active municipalities)", textTable(t.tiers)],
      [CLUSTERS, textTable(t.clusters)],
      ["Fleet", textTable(t.fleet)],
    ];
  } else {
    const t = diffTables(result.diff);
    sections = [
      ["Changes", t.changes ? textTable(t.changes.full) : "No municipality changes."],
      ["Tiers (active municipalities)", textTable(t.tiers)],
      [CLUSTERS, textTable(t.clusters)],
      ["Fleet", textTable(t.fleet.full)],
    ];
  }
  const head = `${title(result)}\n${summary(result)}`;
  return [head, ...sections.map(([name, body]) => `${name}\n\n${body}`)].join("\n\n") + "\n";
}
