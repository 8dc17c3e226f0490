/** A launch before the contract was signed is a typo in one of the two dates. */
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const launchAfterSigning: FleetRule = {
  id: "launch-after-signing",
  description: "spec.goLiveOn is not before spec.contract.signedOn.",
  check({ municipalities }) {
    return municipalities.flatMap((doc) => {
      const { goLiveOn, contract } = doc.value.spec;
      // Both are validated YYYY-MM-DD strings, whose text order is date order.
      if (goLiveOn === undefined || goLiveOn >= contract.signedOn) return [];
      return [
        finding(doc, {
          path: ["spec", "goLiveOn"],
          message: `${goLiveOn} is before the contract was signed (contract.signedOn ${contract.signedOn})`,
        }),
      ];
    });
  },
};
