/**
 * The machine-readable report. CPU is in millicores, memory and storage in
 * bytes, percentages in percent; keys are stable and documented in
 * docs/capacity.md. `schemaVersion` changes only when a key changes meaning
 * or goes away.
 */
import type { CapacityResult } from "../../core/capacity/analyse.ts";
import { printable } from "../../core/printable.ts";
import { STORE_BYTES_PER_DATA_BYTE } from "../../core/resolve/backup-store.ts";

export const JSON_SCHEMA_VERSION = 1;

const UNITS = { cpu: "millicores", memory: "bytes", storage: "bytes", headroom: "percent" } as const;

/** What estimated figures assume (docs/capacity.md): objectStorageBytes per byte of database and document room. */
const ASSUMPTIONS = { objectStorageBytesPerDataByte: STORE_BYTES_PER_DATA_BYTE } as const;

export function renderJson(result: CapacityResult): string {
  const common = { schemaVersion: JSON_SCHEMA_VERSION, mode: result.mode, units: UNITS, assumptions: ASSUMPTIONS };
  const document =
    result.mode === "report"
      ? { ...common, report: result.report, diagnostics: result.diagnostics }
      : {
          ...common,
          base: result.diff.base,
          head: result.diff.head,
          changes: result.diff.changes,
          totals: result.diff.totals,
          pipeline: result.diff.pipeline,
          tiers: result.diff.tiers,
          clusters: result.diff.clusters,
          diagnostics: result.diagnostics,
        };
  // Every text as the other formats print it (core/printable.ts); keys are the report's own.
  return `${JSON.stringify(document, (_key, value: unknown) => (typeof value === "string" ? printable(value) : value), 2)}\n`;
}
