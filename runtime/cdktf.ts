/**
 * The one door to CDK for Terraform: every cdktf, constructs and provider
 * class the project uses at run time comes through this module.
 *
 * - A later move to the community fork (CDK Terrain) or to other provider
 *   versions changes this file, not every construct (docs/architecture.md, "CDK for Terraform").
 * - Speed trick: provider classes are loaded by deep path (never a
 *   provider's barrel, which loads every resource it has) and through
 *   `require`: importing these CommonJS packages from ES modules makes Node
 *   scan their exports, megabytes of generated code (start-up figures in
 *   BENCHMARKS.md).
 *
 * Types come from the same deep paths with `import type`, erased at run time.
 *
 * Relies on: the prebuilt providers' file layout (`lib/<resource>/index.js`
 * exporting the class) and cdktf being CommonJS.
 * Proved unchanged by: the type-check (each class is typed from the module it
 * is loaded from) and every synthesis test and snapshot.
 */
import { createRequire } from "node:module";
import type * as CdktfModule from "cdktf";
import type * as ConstructsModule from "constructs";
import type * as HelmProviderModule from "@cdktf/provider-helm/lib/provider";
import type * as HelmReleaseModule from "@cdktf/provider-helm/lib/release";
import type * as ConfigMapModule from "@cdktf/provider-kubernetes/lib/config-map-v1";
import type * as CronJobModule from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import type * as DeploymentModule from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type * as SecretDataModule from "@cdktf/provider-kubernetes/lib/data-kubernetes-secret-v1";
import type * as StorageClassDataModule from "@cdktf/provider-kubernetes/lib/data-kubernetes-storage-class-v1";
import type * as JobModule from "@cdktf/provider-kubernetes/lib/job-v1";
import type * as LimitRangeModule from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import type * as NamespaceModule from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type * as NetworkPolicyModule from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import type * as ClaimModule from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1";
import type * as KubernetesProviderModule from "@cdktf/provider-kubernetes/lib/provider";
import type * as ResourceQuotaModule from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import type * as SecretModule from "@cdktf/provider-kubernetes/lib/secret-v1";
import type * as ServiceAccountModule from "@cdktf/provider-kubernetes/lib/service-account-v1";
import type * as ServiceModule from "@cdktf/provider-kubernetes/lib/service-v1";
import type * as StatefulSetModule from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import type * as PasswordModule from "@cdktf/provider-random/lib/password";
import type * as RandomProviderModule from "@cdktf/provider-random/lib/provider";

const load = createRequire(import.meta.url);

export const { Construct } = load("constructs") as typeof ConstructsModule;
export type Construct = ConstructsModule.Construct;
export type { IConstruct } from "constructs";

export const { App, Op, TerraformBackend, TerraformElement, TerraformOutput, TerraformResource, TerraformStack } = load(
  "cdktf",
) as typeof CdktfModule;
export type App = CdktfModule.App;
export type TerraformStack = CdktfModule.TerraformStack;
export type { ITerraformDependable, Precondition, TerraformRemoteState } from "cdktf";

export const { KubernetesProvider } = load(
  "@cdktf/provider-kubernetes/lib/provider",
) as typeof KubernetesProviderModule;
export const { NamespaceV1 } = load("@cdktf/provider-kubernetes/lib/namespace-v1") as typeof NamespaceModule;
export type NamespaceV1 = NamespaceModule.NamespaceV1;
export const { ResourceQuotaV1 } = load(
  "@cdktf/provider-kubernetes/lib/resource-quota-v1",
) as typeof ResourceQuotaModule;
export type ResourceQuotaV1 = ResourceQuotaModule.ResourceQuotaV1;
export const { LimitRangeV1 } = load("@cdktf/provider-kubernetes/lib/limit-range-v1") as typeof LimitRangeModule;
export const { NetworkPolicyV1 } = load(
  "@cdktf/provider-kubernetes/lib/network-policy-v1",
) as typeof NetworkPolicyModule;
export type NetworkPolicyV1 = NetworkPolicyModule.NetworkPolicyV1;
export type { NetworkPolicyV1Spec } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
export const { ServiceAccountV1 } = load(
  "@cdktf/provider-kubernetes/lib/service-account-v1",
) as typeof ServiceAccountModule;
export const { PersistentVolumeClaimV1 } = load(
  "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1",
) as typeof ClaimModule;
export type PersistentVolumeClaimV1 = ClaimModule.PersistentVolumeClaimV1;
export const { DataKubernetesStorageClassV1 } = load(
  "@cdktf/provider-kubernetes/lib/data-kubernetes-storage-class-v1",
) as typeof StorageClassDataModule;
export type DataKubernetesStorageClassV1 = StorageClassDataModule.DataKubernetesStorageClassV1;
export const { DataKubernetesSecretV1 } = load(
  "@cdktf/provider-kubernetes/lib/data-kubernetes-secret-v1",
) as typeof SecretDataModule;
export const { SecretV1 } = load("@cdktf/provider-kubernetes/lib/secret-v1") as typeof SecretModule;
export type SecretV1 = SecretModule.SecretV1;
export const { ConfigMapV1 } = load("@cdktf/provider-kubernetes/lib/config-map-v1") as typeof ConfigMapModule;
export const { StatefulSetV1 } = load("@cdktf/provider-kubernetes/lib/stateful-set-v1") as typeof StatefulSetModule;
export type StatefulSetV1 = StatefulSetModule.StatefulSetV1;
export const { ServiceV1 } = load("@cdktf/provider-kubernetes/lib/service-v1") as typeof ServiceModule;
export type ServiceV1 = ServiceModule.ServiceV1;
export const { CronJobV1 } = load("@cdktf/provider-kubernetes/lib/cron-job-v1") as typeof CronJobModule;
export type CronJobV1 = CronJobModule.CronJobV1;
export const { JobV1 } = load("@cdktf/provider-kubernetes/lib/job-v1") as typeof JobModule;
export type JobV1 = JobModule.JobV1;
export const { DeploymentV1 } = load("@cdktf/provider-kubernetes/lib/deployment-v1") as typeof DeploymentModule;
export type DeploymentV1 = DeploymentModule.DeploymentV1;

export const { HelmProvider } = load("@cdktf/provider-helm/lib/provider") as typeof HelmProviderModule;
export const { Release } = load("@cdktf/provider-helm/lib/release") as typeof HelmReleaseModule;
export type Release = HelmReleaseModule.Release;

export const { RandomProvider } = load("@cdktf/provider-random/lib/provider") as typeof RandomProviderModule;
export const { Password } = load("@cdktf/provider-random/lib/password") as typeof PasswordModule;
