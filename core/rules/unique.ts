/**
 * Fields that identify one contract and so must differ between files: two
 * files with one domain would fight over a certificate and a host name, two
 * with one IBGE code would give a municipality two instances.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { valueAt } from "../load/field-path.ts";
import { quoted } from "../printable.ts";
import type { FieldPath } from "../load/locate.ts";
import { finding, where, type Located, type FleetRule } from "./fleet-rule.ts";

/** Checked on every readable file (drafts), so the value is read from plain data, when it is text. */
function uniqueField(id: string, path: FieldPath): FleetRule {
  const label = (path[0] === "spec" ? path.slice(1) : path).join(".");
  return {
    id,
    description: `No two municipality files share ${label}.`,
    check({ drafts }) {
      const byValue = new Map<string, Located<unknown>[]>();
      for (const doc of drafts) {
        const found = valueAt(doc.value, path);
        const value = typeof found === "string" ? found : undefined;
        if (value === undefined) continue;
        byValue.set(value, [...(byValue.get(value) ?? []), doc]);
      }
      const diagnostics: Diagnostic[] = [];
      for (const [value, docs] of byValue) {
        if (docs.length < 2) continue;
        for (const doc of docs) {
          const others = docs.filter((other) => other !== doc).map((other) => where(other, path));
          diagnostics.push(
            finding(doc, { path, message: `${label} ${quoted(value)} is also used by ${others.join(" and ")}` }),
          );
        }
      }
      return diagnostics;
    },
  };
}

export const uniqueName = uniqueField("unique-name", ["metadata", "name"]);
export const uniqueIbgeCode = uniqueField("unique-ibge-code", ["spec", "ibgeCode"]);
export const uniqueDomain = uniqueField("unique-domain", ["spec", "domain"]);
export const uniqueContractNumber = uniqueField("unique-contract-number", ["spec", "contract", "number"]);
export const uniquePncpId = uniqueField("unique-pncp-id", ["spec", "contract", "pncpId"]);
