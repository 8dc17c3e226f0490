/**
 * A file is named after what it defines: municipalities/<metadata.name>.yaml,
 * so `cdktf deploy sei-<name>` and the file are found from each other, and
 * tiers/<id>.yaml, so a municipality's tier is found by its file name.
 */
import { basename } from "node:path";
import type { Diagnostic } from "../diagnostics.ts";
import type { FleetFacts, Located, FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

function nameMatchesFile(
  id: string,
  description: string,
  docs: (facts: FleetFacts) => readonly Located<{ readonly metadata: { readonly name: string } }>[],
): FleetRule {
  return {
    id,
    description,
    check(facts) {
      const diagnostics: Diagnostic[] = [];
      for (const doc of docs(facts)) {
        const name = doc.value.metadata.name;
        if (name === basename(doc.file, ".yaml")) continue;
        const message = `is "${name}" but the file is ${basename(doc.file)}; the name must equal the file name without .yaml (rename one of them)`;
        diagnostics.push(finding(doc, { path: ["metadata", "name"], message }));
      }
      return diagnostics;
    },
  };
}

export const fileName = nameMatchesFile(
  "file-name",
  "A municipality file is named <metadata.name>.yaml.",
  (f) => f.municipalities,
);
export const tierFileName = nameMatchesFile(
  "tier-file-name",
  "A tier file is named <metadata.name>.yaml.",
  (f) => f.tiers,
);
