/**
 * Rotating the database passwords (docs/runbooks/rotate-credentials.md):
 * which generation of generated passwords the Secret holds, which accounts
 * move to it, and the Jobs that move them while the instance serves; the
 * administrator's the same way, with a generation of its own.
 */
import { componentLabels, SECRET_KEYS } from "../naming.ts";
import type { DatabasePlan, PasswordRotationPlan, RotationJobsPlan } from "../plan.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { PhaseFacts } from "./phase.ts";
import type { ComponentResources } from "./workloads.ts";

export function passwordRotationOf(
  municipality: Municipality,
  phase: PhaseFacts,
  database: DatabasePlan,
  resources: ComponentResources,
): PasswordRotationPlan {
  const generation = municipality.spec.rotation?.databasePasswords ?? 0;
  const administrator = municipality.spec.rotation?.administratorPassword ?? 0;
  const keys = SECRET_KEYS.database;
  const jobs = (prefix: string, generation: number): RotationJobsPlan | null =>
    generation > 0 && phase.runs
      ? {
          acceptName: `${prefix}-${generation}-accept`,
          retireName: `${prefix}-${generation}-retire`,
          image: database.image,
          imagePullSecrets: database.imagePullSecrets,
          resources: resources.bootstrap,
          labels: componentLabels("bootstrap"),
        }
      : null;
  return {
    generation,
    // The administrator is not among them: it rotates on its own generation, and these Jobs log in as it.
    accounts: [
      { user: database.seiUser, passwordKey: keys.seiPassword },
      { user: database.sipUser, passwordKey: keys.sipPassword },
      { user: database.backupUser, passwordKey: keys.backupPassword },
    ],
    jobs: jobs("sei-passwords", generation),
    administrator: {
      generation: administrator,
      passwordKey: keys.rootPassword,
      previousPasswordKey: SECRET_KEYS.administratorRotation.previousPassword,
      jobs: jobs("sei-administrator-password", administrator),
    },
  };
}
