/**
 * The Helm release of the in-repo SEI chart (charts/sei) and the values it
 * gets: every value the chart reads is decided here, from the tier, the
 * platform, the names the Terraform side shares (core/naming.ts) and what each
 * image needs (core/image-contract.ts: ports, users, paths, scratch sizes, environments).
 * Null once decommissioned: the release goes, the data stays.
 */
import type { HelmValues, ReleasedPhase } from "../schema/helm-values.ts";
import {
  DIRECTORY_CA_FILE,
  DOCUMENTS_PATH,
  IMAGES,
  LOGIN_FORM,
  SCRATCH_VOLUMES,
  SEI_TEMP_PATH,
  SOLR_DATA_PATH,
  SOLR_PROBE_PATHS,
  loginPage,
  type ImageName,
} from "../image-contract.ts";
import { CHART_PATH, LABEL, RELEASE_NAME, SECRET_NAMES, SERVICE_ACCOUNT_NAME } from "../naming.ts";
import type {
  DatabasePlan,
  DirectoryPlan,
  FirstAdministratorPlan,
  MailAuthenticationPlan,
  PasswordRotationPlan,
  ReleasePlan,
  VolumesPlan,
} from "../plan.ts";
import { toMebibytes } from "../quantity.ts";
import { renderResources } from "../render-resources.ts";
import type { Municipality, Phase } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";
import { hookDeadlineSeconds, releaseTimeoutSeconds } from "../release-timing.ts";
import { image } from "./images.ts";
import type { PhaseFacts } from "./phase.ts";
import { seiEnvOf } from "./sei-env.ts";
import { jodEnvOf, solrEnvOf } from "./solr-jod-env.ts";
import { appReplicas, type ComponentResources } from "./workloads.ts";

export interface ReleaseInput {
  readonly municipality: Municipality;
  readonly tier: Tier;
  readonly platform: Platform;
  readonly phase: PhaseFacts;
  readonly resources: ComponentResources;
  readonly database: DatabasePlan;
  readonly volumes: VolumesPlan;
  readonly directory: DirectoryPlan | null;
  readonly firstAdministrator: FirstAdministratorPlan | null;
  readonly mailAuthentication: MailAuthenticationPlan | null;
  readonly passwordRotation: PasswordRotationPlan;
}

export function releaseOf(input: ReleaseInput): ReleasePlan | null {
  if (!input.phase.released) return null;
  const { deploy } = input.platform.spec;
  const timeoutSeconds = releaseTimeoutSeconds(deploy.timeoutSeconds, input.tier.spec.updater.deadlineSeconds);
  return {
    name: RELEASE_NAME,
    chartPath: CHART_PATH,
    values: helmValuesOf(input, timeoutSeconds),
    wait: deploy.waitForWorkloads,
    runHooks: deploy.waitForWorkloads,
    timeoutSeconds,
  };
}

function helmValuesOf(
  {
    municipality,
    tier,
    platform,
    phase,
    resources: res,
    database,
    volumes,
    directory,
    firstAdministrator,
    passwordRotation,
    mailAuthentication,
  }: ReleaseInput,
  timeoutSeconds: number,
): HelmValues {
  const { name } = municipality.metadata;
  const spec = municipality.spec;
  const t = tier.spec;
  const p = platform.spec;
  const { runs, running } = phase;
  const replicas = appReplicas(tier, phase);
  const autoscaling = phase.production && replicas.max > replicas.min;
  return {
    municipality: {
      name,
      ibgeCode: spec.ibgeCode,
      tier: tier.metadata.name,
      phase: releasedPhase(spec.phase),
    },
    host: spec.domain,
    serviceAccountName: SERVICE_ACCOUNT_NAME,
    imagePullSecrets: p.imagePullSecret ? [{ name: p.imagePullSecret }] : [],
    componentLabel: LABEL.component,
    app: {
      image: image(platform, "app"),
      replicas: running(replicas.min),
      autoscaling: {
        enabled: runs && autoscaling,
        minReplicas: replicas.min,
        maxReplicas: replicas.max,
        targetCpuPercent: t.app.autoscalingTargetCpuPercent,
      },
      podDisruptionBudget: { enabled: runs && phase.production && t.app.podDisruptionBudget, minAvailable: 1 },
      resources: renderResources(res.app),
      ...contractOf("app"),
      // The probe runs in the pod's shell, which puts the pod's own APP_ORGAO in the page.
      probe: { path: loginPage("${APP_ORGAO}"), bodyContains: LOGIN_FORM.marker },
      scratch: SCRATCH_VOLUMES.app,
    },
    scheduler: { enabled: runs, resources: renderResources(res.scheduler) },
    updater: {
      enabled: runs,
      resources: renderResources(res.updater),
      activeDeadlineSeconds: t.updater.deadlineSeconds,
    },
    // Runs before the updater, never beside it: it takes the updater's slot of the quota.
    bootstrap: {
      enabled: runs,
      image: image(platform, "bootstrap"),
      activeDeadlineSeconds: hookDeadlineSeconds(timeoutSeconds),
      user: userOf("bootstrap"),
      scratch: SCRATCH_VOLUMES.bootstrap,
    },
    solr: {
      image: image(platform, "solr"),
      replicas: running(1),
      resources: renderResources(res.solr),
      ...contractOf("solr"),
      data: { existingClaim: volumes.solr.claimName, mountPath: SOLR_DATA_PATH },
      scratch: SCRATCH_VOLUMES.solr,
      env: solrEnvOf(toMebibytes(t.solr.heap)),
      passwordGeneration: passwordRotation.solr.generation,
      probes: SOLR_PROBE_PATHS,
    },
    memcached: {
      image: image(platform, "memcached"),
      replicas: running(1),
      cacheMegabytes: toMebibytes(t.memcached.cacheSize),
      resources: renderResources(res.memcached),
      ...contractOf("memcached"),
    },
    jod: {
      enabled: t.jod.enabled,
      image: image(platform, "jod"),
      replicas: running(1),
      resources: renderResources(res.jod),
      ...contractOf("jod"),
      scratch: SCRATCH_VOLUMES.jod,
      env: jodEnvOf(),
    },
    database: { passwordGeneration: passwordRotation.generation },
    documents: { existingClaim: volumes.documents.claimName, mountPath: DOCUMENTS_PATH },
    temp: { existingClaim: volumes.temp.claimName, mountPath: SEI_TEMP_PATH },
    env: seiEnvOf({
      municipality,
      platform,
      database,
      memcachedSessions: t.app.memcachedSessions,
      directory,
      firstAdministrator,
      mailAuthentication,
    }),
    secrets: { appSecretName: SECRET_NAMES.app, accessKeyGeneration: passwordRotation.accessKeys.generation },
    ingress: {
      className: p.ingress.className,
      clusterIssuer: p.ingress.clusterIssuer,
      tlsSecretName: "sei-tls",
      bodySize: "510m",
      // With PHP sessions in memcached any replica can serve any request.
      stickySessions: !t.app.memcachedSessions,
    },
    directory: directory && { ca: directory.ca, caFile: DIRECTORY_CA_FILE },
  };
}

/** The image's user and group, as the chart's pod security partial reads them. */
function userOf(name: ImageName) {
  return { uid: IMAGES[name].uid, gid: IMAGES[name].gid };
}

/** What a server component's values take from its image: the port it listens on and its user. */
function contractOf(name: "app" | "solr" | "memcached" | "jod") {
  return { port: IMAGES[name].port, user: userOf(name) };
}

/** The values contract has no contracted phase: nothing deploys before the contract is on the PNCP. */
function releasedPhase(phase: Phase): ReleasedPhase {
  if (phase === "contracted" || phase === "decommissioned")
    throw new Error(`a municipality in phase ${phase} has no release`);
  return phase;
}
