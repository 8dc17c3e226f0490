/**
 * A contract is formalized only once published on the PNCP, and only then does
 * PRODEMGE build anything (docs/architecture.md, "Lifecycle phases"): every phase past `contracted`
 * deploys, so it needs the PNCP control number.
 */
import { isFormalized } from "../schema/municipality.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const formalizedNeedsPncp: FleetRule = {
  id: "formalized-needs-pncp",
  description: "A phase past contracted requires spec.contract.pncpId.",
  check({ municipalities }) {
    return municipalities
      .filter((doc) => isFormalized(doc.value.spec.phase) && doc.value.spec.contract.pncpId === undefined)
      .map((doc) =>
        finding(doc, {
          path: ["spec", "contract", "pncpId"],
          message: `is required when phase is "${doc.value.spec.phase}": a contract is formalized, and anything deployed, only once it is published on the PNCP (keep phase "contracted" until then)`,
        }),
      );
  },
};
