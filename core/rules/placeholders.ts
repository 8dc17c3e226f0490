/**
 * A placeholder `sei-infra new` wrote (tagged !placeholder) is fine while the
 * contract is only signed, never once anything is deployed: every phase past
 * `contracted` needs the contract's real number, date and team.
 */
import { PLACEHOLDER_TAG } from "../load/index.ts";
import { isFormalized } from "../schema/municipality.ts";
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const placeholdersReplaced: FleetRule = {
  id: "placeholders-replaced",
  description: `A phase past contracted has no value tagged ${PLACEHOLDER_TAG}.`,
  check({ municipalities }) {
    return municipalities
      .filter((doc) => isFormalized(doc.value.spec.phase))
      .flatMap((doc) =>
        doc.locator.placeholders().map((path) =>
          finding(doc, {
            path,
            message: `still the placeholder sei-infra new wrote (tagged ${PLACEHOLDER_TAG}); write the real value without the tag before phase ${doc.value.spec.phase}`,
          }),
        ),
      );
  },
};
