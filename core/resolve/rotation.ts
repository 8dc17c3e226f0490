/**
 * Rotating the database passwords (docs/runbooks/rotate-credentials.md):
 * which generation of generated passwords the Secret holds, which accounts
 * move to it, and the Jobs that move them while the instance serves; the
 * administrator's the same way, with a generation of its own, and Solr's
 * user and password with theirs.
 */
import { PORTS } from "../image-contract.ts";
import { componentLabels, RELEASE_NAME, SECRET_KEYS } from "../naming.ts";
import type { DatabasePlan, PasswordRotationPlan, RotationJobsPlan } from "../plan.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { PhaseFacts } from "./phase.ts";
import type { ComponentResources } from "./workloads.ts";

/** The Solr user SEI logs in as before any rotation (the chart's user since the first deploy). */
const FIRST_SOLR_USER = "sei";

/** The Solr user of a generation: one per generation, so Solr can take the old and the new one during a rotation. */
export function solrUserOf(generation: number): string {
  return generation === 0 ? FIRST_SOLR_USER : `${FIRST_SOLR_USER}-${generation}`;
}

export function passwordRotationOf(
  municipality: Municipality,
  phase: PhaseFacts,
  database: DatabasePlan,
  resources: ComponentResources,
  /** The app image (Solr's Jobs run in it) and the first install's (the access keys' Job), from the platform's registry. */
  appImage: string,
  bootstrapImage: string,
): PasswordRotationPlan {
  const generation = municipality.spec.rotation?.databasePasswords ?? 0;
  const administrator = municipality.spec.rotation?.administratorPassword ?? 0;
  const solr = municipality.spec.rotation?.solrPassword ?? 0;
  const accessKeys = municipality.spec.rotation?.accessKeys ?? 0;
  const keys = SECRET_KEYS.database;
  // The database's Jobs run in its image with the first install's labels; Solr's override them.
  const jobs = (prefix: string, generation: number, runner: Partial<RotationJobsPlan> = {}): RotationJobsPlan | null =>
    generation > 0 && phase.runs
      ? {
          acceptName: `${prefix}-${generation}-accept`,
          retireName: `${prefix}-${generation}-retire`,
          image: database.image,
          imagePullSecrets: database.imagePullSecrets,
          resources: resources.bootstrap,
          labels: componentLabels("bootstrap"),
          ...runner,
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
    solr: {
      generation: solr,
      user: solrUserOf(solr),
      previousUser: solr > 0 ? solrUserOf(solr - 1) : null,
      // The chart names its Solr Service after the release (charts/sei/templates/_names.tpl, sei.componentName).
      url: `http://${RELEASE_NAME}-solr:${PORTS.solr}/solr`,
      // The app image has curl; the updater's labels reach Solr (NetworkPolicy), and its quota slot is free outside a Helm upgrade.
      jobs: jobs("sei-solr-password", solr, {
        image: appImage,
        resources: resources.updater,
        labels: componentLabels("updater"),
      }),
    },
    accessKeys: {
      generation: accessKeys,
      sipDatabase: database.sipDatabase,
      // One Job, no retire: named for the generation alone.
      jobs: jobs("sei-access-keys", accessKeys, { image: bootstrapImage, acceptName: `sei-access-keys-${accessKeys}` }),
    },
  };
}
