/**
 * planInstance: municipality + tier + platform → InstancePlan.
 *
 * Every size, name and replica count of an instance is decided once, in the
 * module of this folder that owns it; this one only composes them:
 *
 *   phase.ts          what the phase runs (replicas, release, backups)
 *   workloads.ts      container resources and pod counts per component
 *   quota.ts          quota and limit range arithmetic (capacity sums the same way)
 *   volumes.ts        data volume sizes, claim names, storage classes
 *   database.ts       the database server and its backup
 *   backup-store.ts   the repository in the cluster's off-site backup store
 *   restore-drill.ts  the room and time of a drill of the off-site backups
 *   release.ts        the Helm release and every chart value
 *   network.ts        network policy names, peers and ports
 *   directory.ts      the directory SIP authenticates against, the first administrator
 *   namespace.ts      namespace name and labels
 *   state-backend.ts  where the Terraform state lives, and its encryption
 *   images.ts         image references from the platform's registry
 *
 * Names shared with the chart and the constructs are in core/naming.ts.
 */
import { SECRET_NAMES, SERVICE_ACCOUNT_NAME, stackName } from "../naming.ts";
import type { InstancePlan } from "../plan.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";
import { backupStoreOf } from "./backup-store.ts";
import { backupOf, databaseOf } from "./database.ts";
import { directoryOf, firstAdministratorOf } from "./directory.ts";
import { namespaceOf } from "./namespace.ts";
import { networkOf } from "./network.ts";
import { phaseFacts } from "./phase.ts";
import { mailAuthenticationOf } from "./mail.ts";
import { limitRangeFor, quotaFor } from "./quota.ts";
import { passwordRotationOf } from "./rotation.ts";
import { image, imageReference } from "./images.ts";
import { releaseOf } from "./release.ts";
import { stateBackendOf, stateEncryptionOf } from "./state-backend.ts";
import { migratedBackupClaim, presentVolumes, volumesOf } from "./volumes.ts";
import { componentResources, workloadsOf } from "./workloads.ts";

export interface PlanInput {
  readonly municipality: Municipality;
  readonly tier: Tier;
  readonly platform: Platform;
  /** Path of the municipality file, for messages and reports. */
  readonly sourceFile: string;
}

export function planInstance({ municipality, tier, platform, sourceFile }: PlanInput): InstancePlan {
  const { name } = municipality.metadata;
  const spec = municipality.spec;
  const p = platform.spec;
  const phase = phaseFacts(spec.phase);
  const resources = componentResources(tier);
  const volumes = volumesOf(municipality, tier, platform);

  const cluster = p.clusters.find((c) => c.name === (spec.cluster ?? p.defaultCluster));
  if (!cluster) {
    // The fleet rules report an unknown cluster with its position; reaching here is a caller bug.
    throw new Error(`${sourceFile}: cluster "${spec.cluster ?? p.defaultCluster}" is not in platform.yaml`);
  }

  const namespace = namespaceOf(municipality, tier, platform);
  const database = databaseOf(tier, platform, phase, resources, namespace.name);
  const directory = directoryOf(cluster.directory, municipality);
  const firstAdministrator = firstAdministratorOf(municipality);
  const backupStore = backupStoreOf(
    cluster.backupStore,
    municipality,
    tier,
    volumes.database.storageBytes + volumes.documents.storageBytes,
  );
  const passwordRotation = passwordRotationOf(
    municipality,
    phase,
    database,
    resources,
    imageReference(image(platform, "app")),
    imageReference(image(platform, "bootstrap")),
  );
  const mailAuthentication = mailAuthenticationOf(municipality, platform);
  const backup = backupOf(tier, phase, database, resources, volumes, backupStore);
  const workloads = workloadsOf(tier, phase, resources, { claim: volumes.backup !== null, backup });

  return {
    municipality: {
      name,
      ibgeCode: spec.ibgeCode,
      displayName: spec.displayName,
      population: spec.population,
      tier: tier.metadata.name,
      phase: spec.phase,
      domain: spec.domain,
      sourceFile,
    },
    stackName: stackName(name),
    url: `https://${spec.domain}/sei`,
    cluster: { name: cluster.name, kubeconfigPath: cluster.kubeconfig.path, context: cluster.kubeconfig.context },
    stateBackend: stateBackendOf(platform, name),
    stateEncryption: stateEncryptionOf(platform),
    namespace,
    serviceAccountName: SERVICE_ACCOUNT_NAME,
    workloads,
    quota: quotaFor(workloads, presentVolumes(volumes)),
    limitRange: limitRangeFor(workloads),
    network: networkOf(platform, directory, backupStore),
    volumes,
    secrets: SECRET_NAMES,
    directory,
    firstAdministrator,
    mailAuthentication,
    database,
    passwordRotation,
    backup,
    backupStore,
    migratedBackupClaim: migratedBackupClaim(municipality, platform),
    release: releaseOf({
      municipality,
      tier,
      platform,
      phase,
      resources,
      database,
      volumes,
      directory,
      firstAdministrator,
      passwordRotation,
      mailAuthentication,
    }),
    waitForWorkloads: p.deploy.waitForWorkloads,
  };
}
