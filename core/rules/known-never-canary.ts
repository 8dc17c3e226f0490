/**
 * platform.yaml's fleet.neverCanary names municipalities; a name that is no
 * municipality's would keep nobody out of the canary wave without a word (a
 * typo, or a stack name given for a municipality name). The names are checked
 * against every municipality file that is readable, valid or not, so a broken
 * file reports its own error rather than this one.
 */
import { posix } from "node:path";
import { didYouMean } from "../load/suggest.ts";
import { quoted } from "../printable.ts";
import { finding, type FleetRule } from "./fleet-rule.ts";
import { STACK_PREFIX } from "./no-stack-prefix.ts";

export const knownNeverCanary: FleetRule = {
  id: "known-never-canary",
  description: "Every name in platform.yaml's spec.fleet.neverCanary is a municipality of the fleet.",
  check({ platform, drafts }) {
    const never = platform?.value.spec.fleet?.neverCanary ?? [];
    if (!platform || never.length === 0) return [];
    const names = new Set(drafts.map((doc) => posix.basename(doc.file, ".yaml")));
    return never.flatMap((name, index) => {
      if (names.has(name)) return [];
      const stackHint = name.startsWith(STACK_PREFIX) ? " (give metadata.name, not the stack name)" : "";
      return [
        finding(platform, {
          path: ["spec", "fleet", "neverCanary", index],
          message: `${quoted(name)} is not a municipality of the fleet, so it never reaches the canary choice${didYouMean(name, names)}${stackHint}`,
        }),
      ];
    });
  },
};
