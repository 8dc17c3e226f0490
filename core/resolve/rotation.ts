/**
 * Rotating the database accounts' passwords (docs/runbooks/rotate-credentials.md):
 * which generation of generated passwords the Secret holds, which accounts
 * move to it, and the Jobs that move them while the instance serves.
 */
import { componentLabels, SECRET_KEYS } from "../naming.ts";
import type { DatabasePlan, PasswordRotationPlan } from "../plan.ts";
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
  const keys = SECRET_KEYS.database;
  return {
    generation,
    // The administrator is not among them: the first install, the updater and a restore log in as it.
    accounts: [
      { user: database.seiUser, passwordKey: keys.seiPassword },
      { user: database.sipUser, passwordKey: keys.sipPassword },
      { user: database.backupUser, passwordKey: keys.backupPassword },
    ],
    jobs:
      generation > 0 && phase.runs
        ? {
            acceptName: `sei-passwords-${generation}-accept`,
            retireName: `sei-passwords-${generation}-retire`,
            image: database.image,
            imagePullSecrets: database.imagePullSecrets,
            resources: resources.bootstrap,
            labels: componentLabels("bootstrap"),
          }
        : null,
  };
}
