/**
 * Fields that identify one contract and so must differ between files: two
 * files with one domain would fight over a certificate and a host name, two
 * with one IBGE code would give a municipality two instances.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { valueAt } from "../load/field-path.ts";
import { quoted } from "../printable.ts";
import type { FieldPath } from "../load/field-path.ts";
import { finding, where, type Located, type FleetRule } from "./fleet-rule.ts";

/** How many of the other files sharing a value a message names; the rest are counted. */
const NAMED = 3;

/**
 * Checked on every readable file (drafts), so the value is read from plain data, when it is text.
 * Linear in the number of files: one pass groups them, and each message names at most NAMED
 * others (a folder of 5,000 files sharing a value must not print 25 million names).
 */
function uniqueField(id: string, path: FieldPath): FleetRule {
  const label = (path[0] === "spec" ? path.slice(1) : path).join(".");
  return {
    id,
    description: `No two municipality files share ${label}.`,
    check({ drafts }) {
      const byValue = new Map<string, Located<unknown>[]>();
      for (const doc of drafts) {
        const found = valueAt(doc.value, path);
        if (typeof found !== "string") continue;
        const group = byValue.get(found);
        if (group) group.push(doc);
        else byValue.set(found, [doc]);
      }
      const diagnostics: Diagnostic[] = [];
      for (const [value, docs] of byValue) {
        if (docs.length < 2) continue;
        // The first NAMED + 1 files hold NAMED others for any file of the group.
        const named = docs.slice(0, NAMED + 1).map((doc) => [doc, where(doc, path)] as const);
        for (const doc of docs) {
          const others = named
            .filter(([other]) => other !== doc)
            .slice(0, NAMED)
            .map(([, at]) => at);
          diagnostics.push(
            finding(doc, {
              path,
              message: `${label} ${quoted(value)} is also used by ${listed(others, docs.length - 1 - others.length)}`,
            }),
          );
        }
      }
      return diagnostics;
    },
  };
}

/** "a", "a and b", "a, b and c", "a, b, c and 2 more files". */
function listed(names: readonly string[], more: number): string {
  const items = more > 0 ? [...names, `${more} more file${more === 1 ? "" : "s"}`] : names;
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

export const uniqueName = uniqueField("unique-name", ["metadata", "name"]);
export const uniqueIbgeCode = uniqueField("unique-ibge-code", ["spec", "ibgeCode"]);
export const uniqueDomain = uniqueField("unique-domain", ["spec", "domain"]);
export const uniqueContractNumber = uniqueField("unique-contract-number", ["spec", "contract", "number"]);
export const uniquePncpId = uniqueField("unique-pncp-id", ["spec", "contract", "pncpId"]);
