/**
 * The IBGE code must be one of the 853 official Minas Gerais codes and the
 * display name its official name, exactly: both end up in labels, reports and
 * the SEI instance itself, and a near-miss name hides a wrong code.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { quoted } from "../printable.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const officialMunicipality: FleetRule = {
  id: "official-municipality",
  description: "spec.ibgeCode is an official Minas Gerais code and spec.displayName its official IBGE name.",
  check({ municipalities, officialList }) {
    if (!officialList) return [];
    const diagnostics: Diagnostic[] = [];
    for (const doc of municipalities) {
      const { ibgeCode, displayName } = doc.value.spec;
      const official = officialList.byCode.get(ibgeCode);
      if (!official) {
        const byName = officialList.byName.get(displayName);
        const hint = byName ? `; the code of ${byName.name} is ${quoted(byName.code)}` : "";
        diagnostics.push(
          finding(doc, {
            path: ["spec", "ibgeCode"],
            message: `${quoted(ibgeCode)} is not the IBGE code of a Minas Gerais municipality (see ${officialList.file})${hint}`,
          }),
        );
      } else if (displayName !== official.name) {
        diagnostics.push(
          finding(doc, {
            path: ["spec", "displayName"],
            message: `must be the official IBGE name of ${ibgeCode}, ${quoted(official.name)}, not ${quoted(displayName)}`,
          }),
        );
      }
    }
    return diagnostics;
  },
};
