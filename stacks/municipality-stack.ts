/**
 * MunicipalityStack: everything one municipality's SEI instance is, as one
 * Terraform stack `sei-<name>` with its own state (docs/architecture.md, "Layers and data flow").
 *
 * The stack only wires constructs to the resolved plan; the phase is already
 * in the plan: `suspended` has zero replicas everywhere and keeps every
 * object; `decommissioned` has no release (plan.release is null) and keeps
 * the namespace, volumes, Secrets and the stopped database. No phase removes
 * a data-bearing resource, and no construct id depends on tier, size, phase
 * or version, so the Terraform addresses never change.
 */
import {
  HelmProvider,
  KubernetesProvider,
  RandomProvider,
  TerraformOutput,
  TerraformStack,
  type Construct,
  type ITerraformDependable,
} from "../runtime/cdktf.ts";
import type { InstancePlan, RotationJobsPlan, VolumePlan } from "../core/plan.ts";
import { BackupStoreSecret } from "../constructs/backup-store-secret.ts";
import { SECRET_KEYS } from "../core/naming.ts";
import { DataVolume } from "../constructs/data-volume.ts";
import { ForgottenClaim } from "../constructs/forgotten-claim.ts";
import { CopiedSecret } from "../constructs/copied-secret.ts";
import { Database } from "../constructs/database.ts";
import { OffsiteBackup } from "../constructs/offsite-backup.ts";
import { ApplicationKeys } from "../constructs/application-keys.ts";
import { DocumentStorage } from "../constructs/document-storage.ts";
import { RotationJob, type RotationKind } from "../constructs/password-rotation.ts";
import type { RotationJobTarget, RotationStep } from "../constructs/rotation-job.ts";
import { SeiRelease } from "../constructs/sei-release.ts";
import { SolrRotationJob } from "../constructs/solr-rotation.ts";
import { AccessKeysJob } from "../constructs/access-keys-rotation.ts";
import { StorageClassGuard } from "../constructs/storage-class-guard.ts";
import { Tenancy } from "../constructs/tenancy.ts";
import { prepareStandaloneStack } from "../runtime/prepare-stack.ts";
import type { ChartPackage } from "./chart-package.ts";
import { StateBackend, backendAttributes } from "./terraform-backend.ts";
import { StateEncryption } from "./terraform-encryption.ts";

/**
 * What a stack refers to outside its plan, as seen from the stack's folder
 * (where the engine runs): relative, so a stack holds no checkout path and
 * two clones synthesize the same bytes.
 */
export interface StackInputs {
  /** The repository root from a stack folder ("../../.." under cdktf.out): anchors a relative local state folder. */
  readonly rootFromStack: string;
  /** The packaged charts, by the chart path the plans name (each packaged once per synthesis). */
  readonly charts: ReadonlyMap<string, ChartPackage>;
  /** The text of providers.lock.hcl, written into every stack folder (stacks/provider-lock.ts). */
  readonly providerLock: string;
}

export interface MunicipalityStackProps {
  /** The resolved plan of the municipality: every name, size and value. */
  readonly plan: InstancePlan;
  readonly inputs: StackInputs;
}

export class MunicipalityStack extends TerraformStack {
  public readonly plan: InstancePlan;

  constructor(scope: Construct, props: MunicipalityStackProps) {
    const { plan } = props;
    super(scope, plan.stackName);
    this.plan = plan;

    new StateBackend(this, backendAttributes(plan.stateBackend, props.inputs.rootFromStack), plan.stateBackend.type);
    if (plan.stateEncryption) new StateEncryption(this, plan.stateEncryption);

    const kubeconfig = { configPath: plan.cluster.kubeconfigPath, configContext: plan.cluster.context };
    new KubernetesProvider(this, "kubernetes", kubeconfig);
    new HelmProvider(this, "helm", { kubernetes: kubeconfig });
    new RandomProvider(this, "random", {});

    const tenancy = new Tenancy(this, "Tenancy", {
      namespace: plan.namespace.name,
      labels: plan.namespace.labels,
      quota: plan.quota,
      limitRange: plan.limitRange,
      network: plan.network,
      serviceAccountName: plan.serviceAccountName,
    });
    const namespace = tenancy.namespaceName;

    // One guard per storage class, shared by the volumes on it; its id names the access mode the
    // platform gives the class (one class per mode), never the class name, which platform.yaml may change.
    const guards = new Map<string, StorageClassGuard>();
    const retains = (v: VolumePlan) => {
      let guard = guards.get(v.storageClass);
      if (!guard) {
        guard = new StorageClassGuard(this, `StorageClass${v.accessMode}`, { storageClassName: v.storageClass });
        guards.set(v.storageClass, guard);
      }
      return [guard.retains];
    };
    const { volumes } = plan;
    // Volumes after the quota: a tier change raises the storage quota before the claims grow into it.
    const dependsOn = [tenancy.quota];
    const volume = (id: string, v: VolumePlan) =>
      new DataVolume(this, id, { namespace, volume: v, preconditions: retains(v), dependsOn });
    const databaseVolume = volume("DatabaseVolume", volumes.database);
    const documents = new DocumentStorage(this, "DocumentStorage", {
      namespace,
      volume: { ...volumes.documents, kind: "documents" },
      preconditions: retains(volumes.documents),
      dependsOn,
    });
    const solrVolume = volume("SolrVolume", volumes.solr);
    // Null once the cluster has a backup store, but for an instance that had its claim before
    // (spec.legacyBackupVolume): the plan never drops an existing claim, new instances get none.
    const backupVolume = volumes.backup && volume("BackupVolume", volumes.backup);
    // Its sets moved into the store (backups migrate-claim): the same address leaves the state, the claim stays.
    if (plan.migratedBackupClaim) new ForgottenClaim(this, "BackupVolume");
    // SEI's shared temp folder is scratch, yet keeps prevent_destroy like the data volumes: a plan that
    // replaced it (a shrink, another class) would delete a claim the running app pods mount, and the
    // apply would hang on its pvc-protection finalizer half-way; refused up front instead, like the others.
    const tempVolume = volume("TempVolume", volumes.temp);

    const offsite = plan.backup?.offsite;
    const database = new Database(this, "Database", {
      namespace,
      namespaceName: plan.namespace.name,
      database: plan.database,
      secrets: plan.secrets,
      passwordRotation: plan.passwordRotation,
      dataClaimName: databaseVolume.claimName,
      serviceAccountName: plan.serviceAccountName,
      waitForRollout: plan.waitForWorkloads,
      // The nightly sets on the claim; the store's backups are the backup scripts' (docs/backups.md).
      ...(plan.backup && backupVolume
        ? {
            backup: {
              plan: plan.backup,
              backupClaimName: backupVolume.claimName,
              documentsClaimName: documents.claimName,
            },
          }
        : {}),
      ...(offsite ? { binlogShipper: { user: offsite.shipper.user } } : {}),
    });

    const applicationKeys = new ApplicationKeys(this, "ApplicationKeys", {
      namespace,
      namespaceName: plan.namespace.name,
      name: plan.secrets.app,
      solr: plan.passwordRotation.solr,
      accessKeys: plan.passwordRotation.accessKeys,
    });

    // In every phase once the cluster has a store: the repository key is kept like the data.
    if (plan.backupStore) new BackupStoreSecret(this, "BackupStore", { namespace, store: plan.backupStore });
    // In production, the backups into the store: the nightly job and the binlog shipper.
    if (plan.backup && offsite && plan.backupStore) {
      new OffsiteBackup(this, "OffsiteBackup", {
        namespace,
        municipality: plan.municipality.name,
        backup: { ...plan.backup, offsite },
        store: plan.backupStore,
        database: plan.database,
        credentialsSecretName: database.credentials.secretName,
        documentsClaimName: documents.claimName,
        serviceAccountName: plan.serviceAccountName,
      });
    }

    const directorySecret =
      plan.directory &&
      new CopiedSecret(this, "DirectorySecret", {
        namespace,
        name: plan.secrets.directory,
        source: plan.directory.bindSecretSource,
        keys: Object.values(SECRET_KEYS.directory),
        namedBy: "platform.yaml directory.bindSecret",
        holds: "the directory's bind account the first install registers in SIP",
      });
    const mailSecret =
      plan.mailAuthentication &&
      new CopiedSecret(this, "MailSecret", {
        namespace,
        name: plan.secrets.mail,
        source: plan.mailAuthentication.passwordSource,
        keys: [plan.mailAuthentication.passwordSource.key],
        namedBy: "mail.authentication.passwordSecret of platform.yaml or the municipality file",
        holds: "the SMTP password SEI sends mail with",
      });

    // A password rotation: the accounts take the new passwords beside the old before the release rolls
    // the app onto them, and drop the old ones after (constructs/password-rotation.ts). The administrator's
    // rotation goes first and last around them: their Jobs, the release's hooks and a restore log in as it.
    const rotation = plan.passwordRotation;
    const target = (jobs: RotationJobsPlan, dependsOn: ITerraformDependable[]): RotationJobTarget => ({
      namespace,
      jobs,
      serviceAccountName: plan.serviceAccountName,
      waitForCompletion: plan.waitForWorkloads,
      dependsOn,
    });
    /** The resources of the rotation Jobs this apply runs (none where no rotation is under way). */
    const made = (...jobs: ({ resource: ITerraformDependable } | null | undefined)[]) =>
      jobs.flatMap((job) => (job ? [job.resource] : []));
    const rotationJob = (kind: RotationKind, step: RotationStep, dependsOn: ITerraformDependable[]) => {
      const jobs = kind === "accounts" ? rotation.jobs : rotation.administrator.jobs;
      if (!jobs) return undefined;
      const prefix = kind === "accounts" ? "PasswordRotation" : "AdministratorPassword";
      return new RotationJob(this, `${prefix}${step === "accept" ? "Accept" : "Retire"}`, {
        ...target(jobs, dependsOn),
        kind,
        step,
        rotation,
        database: plan.database,
        credentialsSecretName: database.credentials.secretName,
      });
    };
    const ready = [database.credentials.resource, database.resource, database.service];
    const administratorAccept = rotationJob("administrator", "accept", ready);
    const accept = rotationJob("accounts", "accept", [...ready, ...made(administratorAccept)]);
    // Solr's user and password the same way (constructs/solr-rotation.ts), after the database's Jobs: one
    // rotation Job at a time, in the quota's one slot for them.
    const solrJob = (step: RotationStep, dependsOn: ITerraformDependable[]) => {
      const jobs = rotation.solr.jobs;
      if (!jobs) return undefined;
      return new SolrRotationJob(this, `SolrPassword${step === "accept" ? "Accept" : "Retire"}`, {
        ...target(jobs, dependsOn),
        step,
        solr: rotation.solr,
        appSecretName: applicationKeys.secretName,
      });
    };
    const solrAccept = solrJob("accept", [applicationKeys.resource, ...made(administratorAccept, accept)]);
    // The access keys: SIP takes the new keys' hashes last before the release, which rolls the app onto them
    // at once (constructs/access-keys-rotation.ts); SEI's calls to SIP from pods not rolled yet are refused.
    const accessKeysJobs = rotation.accessKeys.jobs;
    const accessKeys =
      accessKeysJobs &&
      new AccessKeysJob(this, "AccessKeys", {
        ...target(accessKeysJobs, [
          ...ready,
          applicationKeys.resource,
          ...made(administratorAccept, accept, solrAccept),
        ]),
        accessKeys: rotation.accessKeys,
        database: plan.database,
        credentialsSecretName: database.credentials.secretName,
        appSecretName: applicationKeys.secretName,
      });

    if (plan.release) {
      const release = new SeiRelease(this, "Release", {
        namespace,
        release: plan.release,
        chartFile: chartOf(props.inputs, plan.release.chartPath).fileName,
        dependsOn: [
          ...tenancy.dependables,
          database.credentials.resource,
          applicationKeys.resource,
          ...(directorySecret ? [directorySecret.resource] : []),
          ...(mailSecret ? [mailSecret.resource] : []),
          // The updater hook migrates the databases: with waiting on, the server is up first.
          database.resource,
          database.service,
          databaseVolume.resource,
          documents.resource,
          solrVolume.resource,
          tempVolume.resource,
          ...made(administratorAccept, accept, solrAccept, accessKeys),
        ],
      });
      const retire = rotationJob("accounts", "retire", [release.resource]);
      const solrRetire = solrJob("retire", [release.resource, ...made(retire)]);
      rotationJob("administrator", "retire", [release.resource, ...made(retire, solrRetire)]);
    }

    new TerraformOutput(this, "url", { value: plan.url, description: "Public address of the SEI instance" });
    new TerraformOutput(this, "namespace", { value: namespace, description: "Kubernetes namespace of the instance" });
    new TerraformOutput(this, "database_service", {
      value: plan.database.clusterAddress,
      description: "In-cluster address of the database",
    });
    new TerraformOutput(this, "documents_volume", {
      value: documents.claimName,
      description: "PersistentVolumeClaim of the document repository",
    });
  }

  /** Runs once before synthesis: cdktf's preparation without its cross-stack pass (runtime/prepare-stack.ts). */
  public override prepareStack(): void {
    prepareStandaloneStack(this);
  }
}

export function chartOf(inputs: StackInputs, chartPath: string): ChartPackage {
  const chart = inputs.charts.get(chartPath);
  if (!chart) throw new Error(`the chart ${chartPath} was not packaged for this synthesis`);
  return chart;
}
