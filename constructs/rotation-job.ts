/**
 * The Kubernetes Job of one rotation step (docs/runbooks/rotate-credentials.md), the shape every
 * rotation shares: named for its generation (and step), the plan's image, labels and resources, the
 * restricted pod, one container, run once (a failed pod is retried twice, then the apply fails and the
 * next one runs it again). RotationJob (the database's), SolrRotationJob and AccessKeysJob give it
 * the script and its environment.
 */
import type { JobV1SpecTemplateSpecContainerEnv } from "@cdktf/provider-kubernetes/lib/job-v1";
import { JobV1, type Construct, type ITerraformDependable } from "../runtime/cdktf.ts";
import type { RotationJobsPlan } from "../core/plan.ts";
import { restrictedContainerSecurityContext, type PodUser } from "../core/pod-security.ts";
import { renderResources } from "./render.ts";
import { terraformRestrictedPodSpec } from "./security.ts";

/** `accept`: the new credential beside the current ones; `retire`: the new one only. */
export type RotationStep = "accept" | "retire";

/** Where and when a rotation's Job runs: the props every rotation construct takes from the stack. */
export interface RotationJobTarget {
  readonly namespace: string;
  readonly jobs: RotationJobsPlan;
  readonly serviceAccountName: string;
  /** Wait until the Job completes (false where no workload runs). */
  readonly waitForCompletion: boolean;
  readonly dependsOn: ITerraformDependable[];
}

/** What one rotation's Job runs. */
export interface RotationJobSpec {
  /** The step it runs, which names the Job: the plan's acceptName or retireName. */
  readonly step: RotationStep;
  /** The user the image runs as. */
  readonly user: PodUser;
  readonly container: {
    readonly name: string;
    readonly command: string[];
    readonly env: JobV1SpecTemplateSpecContainerEnv[];
  };
}

/** A Job that has not completed by then fails the apply; the next apply runs it again. */
const TIMEOUT = "10m";

export function rotationJob(scope: Construct, id: string, target: RotationJobTarget, spec: RotationJobSpec): JobV1 {
  const { jobs } = target;
  return new JobV1(scope, id, {
    metadata: {
      name: spec.step === "accept" ? jobs.acceptName : jobs.retireName,
      namespace: target.namespace,
      labels: { ...jobs.labels },
    },
    spec: {
      backoffLimit: 2,
      template: {
        metadata: { labels: { ...jobs.labels } },
        spec: {
          restartPolicy: "Never",
          ...terraformRestrictedPodSpec({
            serviceAccountName: target.serviceAccountName,
            imagePullSecrets: jobs.imagePullSecrets,
            user: spec.user,
          }),
          container: [
            {
              ...spec.container,
              image: jobs.image,
              resources: renderResources(jobs.resources),
              securityContext: restrictedContainerSecurityContext(),
            },
          ],
        },
      },
    },
    waitForCompletion: target.waitForCompletion,
    timeouts: { create: TIMEOUT, update: TIMEOUT },
    dependsOn: target.dependsOn,
  });
}
