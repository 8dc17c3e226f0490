/**
 * A rotation generation never goes down (docs/runbooks/rotate-credentials.md,
 * "Undo"): each generation's passwords are resources of the stack, so a lower
 * number deletes the newer ones from the Terraform state and puts an older
 * password back in the Secret, one the accounts no longer accept once the
 * rotation retired it. The stack refuses it too, at plan time, by the Secret's
 * own generation (constructs/generated-secret.ts); this says it at review.
 */
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import type { Deployed } from "./deployed.ts";

const FIELD = "spec.rotation.databasePasswords";

export function loweredRotations(pairs: readonly Deployed[]): Diagnostic[] {
  return pairs.flatMap(({ old, now }) => {
    const from = old.municipality.spec.rotation?.databasePasswords ?? 0;
    const to = now.municipality.spec.rotation?.databasePasswords ?? 0;
    if (to >= from) return [];
    return [
      fileDiagnostic(
        now.file,
        `${now.municipality.metadata.name}: ${FIELD} goes down from ${from} to ${to}: the deploy would delete the newer passwords ` +
          `from the Terraform state and put back in the Secret an older one, which the accounts no longer accept or a rotation retired; ` +
          `keep ${from}, or raise it to ${from + 1} to rotate again (docs/runbooks/rotate-credentials.md, "Undo")`,
        { path: FIELD },
      ),
    ];
  });
}
