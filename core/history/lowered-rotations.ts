/**
 * A rotation generation never goes down (docs/runbooks/rotate-credentials.md,
 * "Undo"): each generation's passwords are resources of the stack, so a lower
 * number deletes the newer ones from the Terraform state and puts an older
 * password back in the Secret, one the database no longer accepts once the
 * rotation retired it. The stack refuses it too, at plan time, by the Secret's
 * own generation (constructs/generated-secret.ts); this says it at review.
 */
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import { ROTATION_FIELDS } from "../schema/municipality.ts";
import type { Deployed } from "./deployed.ts";

export function loweredRotations(pairs: readonly Deployed[]): Diagnostic[] {
  return pairs.flatMap(({ old, now }) =>
    ROTATION_FIELDS.flatMap((key) => {
      const from = old.municipality.spec.rotation?.[key] ?? 0;
      const to = now.municipality.spec.rotation?.[key] ?? 0;
      if (to >= from) return [];
      const field = `spec.rotation.${key}`;
      return [
        fileDiagnostic(
          now.file,
          `${now.municipality.metadata.name}: ${field} goes down from ${from} to ${to}: the deploy would delete the newer passwords ` +
            `from the Terraform state and put back in the Secret an older one, which the database no longer accepts or a rotation retired; ` +
            `keep ${from}, or raise it to ${from + 1} to rotate again (docs/runbooks/rotate-credentials.md, "Undo")`,
          { path: field },
        ),
      ];
    }),
  );
}
