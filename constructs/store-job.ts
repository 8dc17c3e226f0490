/**
 * The Jobs sei-infra applies itself and waits for (a restore, the claim's migration, a restore drill): one pod, run
 * once, its container restricted; storeJob adds what a Job that talks to the backup store gets (storeAccess or
 * storeCredentials). What differs stays with each caller, in its own words: the pod's user, account and opt-outs
 * (restrictedPodSpec), its labels, its container and its own volumes. Plain objects, no cdktf.
 */
import { restrictedContainerSecurityContext } from "../core/pod-security.ts";
import type { StoreAccess } from "./backup-store-access.ts";

type Labels = Readonly<Record<string, string>>;
type Fields = Readonly<Record<string, unknown>>;

export interface RunOnceJob {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Labels };
  /** The pod's labels. @default the Job's */
  readonly podLabels?: Labels;
  /** How long the Job may run before Kubernetes stops it. */
  readonly deadlineSeconds: number;
  /** The pod-level fields: the caller's account, user and opt-outs (core/pod-security.ts). */
  readonly pod: Fields;
  /** The one container, without its security context (always the restricted one). */
  readonly container: Fields & { readonly env: readonly Fields[]; readonly volumeMounts: readonly Fields[] };
  readonly volumes: readonly Fields[];
}

export function runOnceJob({ metadata, podLabels, deadlineSeconds, pod, container, volumes }: RunOnceJob) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata,
    spec: {
      // A failed run is for a person to read before any second one: Kubernetes never retries these.
      backoffLimit: 0,
      activeDeadlineSeconds: deadlineSeconds,
      template: {
        metadata: { labels: podLabels ?? metadata.labels },
        spec: {
          restartPolicy: "Never",
          ...pod,
          containers: [{ ...container, securityContext: restrictedContainerSecurityContext() }],
          volumes,
        },
      },
    },
  };
}

/** A run-once Job that talks to the store: `access` joins its container's environment, mounts and volumes. */
export function storeJob(job: RunOnceJob, access: StoreAccess) {
  const { container } = job;
  return runOnceJob({
    ...job,
    container: {
      ...container,
      envFrom: access.envFrom,
      env: [...container.env, ...access.env],
      volumeMounts: [...container.volumeMounts, ...access.mounts],
    },
    volumes: [...job.volumes, ...access.volumes],
  });
}
