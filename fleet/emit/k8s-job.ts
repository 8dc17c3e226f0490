/**
 * Kubernetes Jobs for a rollout: per wave, one Indexed Job whose pod number i
 * applies the i-th stack of the wave's list (a ConfigMap, one stack per line),
 * with `parallelism` from --concurrency, `backoffLimitPerIndex: 0` (a failed
 * apply is looked at, not retried blindly) and `maxFailedIndexes` from the
 * failure budget, so the Job fails once more stacks failed than allowed.
 * Kubernetes knows no order between Jobs: rollout.sh, emitted beside them,
 * runs them in order, with the operator as the approval gate between plan and
 * apply:
 *   sh rollout.sh plan    the plan Job: plans every stack, saves the plans on
 *                         the claim (`fleet plan --out`), prints the summary;
 *   sh rollout.sh apply   after the operator read it: one wave at a time, each
 *                         pod applying its stack's saved plan (`--plans`),
 *                         stopping at the first failed Job; then the merge Job.
 * The reports go to a shared claim; the last Job merges them. The scheduled
 * tasks (drift) are CronJobs (schedule.yaml).
 *
 * The pods need what any `fleet apply` needs: the project (the image), the
 * engine and providers, kubeconfigs of the target clusters and the state
 * backend's credentials (the Secret named by --env-secret, as environment).
 */
import { stringify } from "yaml";
import { FLEET_IMAGE_USER } from "../../core/image-contract.ts";
import { LABEL, MANAGED_BY } from "../../core/naming.ts";
import { restrictedContainerSecurityContext, restrictedPodSpec } from "../../core/pod-security.ts";
import { shellWord } from "./options.ts";
import {
  GENERATED,
  MERGED,
  SEI_INFRA,
  applyCommand,
  mergeCommand,
  planCommand,
  scheduledTasks,
  waveId,
  type EmitOptions,
} from "./jobs.ts";

/** The files of every rollout beside the wave files (waveFile). */
export const K8S_FILES = {
  plan: "plan.yaml",
  report: "report.yaml",
  schedule: "schedule.yaml",
  script: "rollout.sh",
} as const;

/** The Job file of wave `index` (0-based): wave-1.yaml, wave-2.yaml… */
export function waveFile(index: number): string {
  return `${waveId(index)}.yaml`;
}
export const WAVE_FILE = /^wave-[1-9]\d*\.yaml$/;

export interface K8sJobOptions {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Secret whose keys become the pods' environment (PG_CONN_STR, KUBECONFIG, …). */
  readonly envSecret: string;
  /** ReadWriteMany claim the stack pods write their reports and logs to. */
  readonly reportsClaim: string;
}

export const K8S_DEFAULTS: K8sJobOptions = {
  namespace: "sei-fleet",
  serviceAccount: "sei-fleet",
  envSecret: "sei-fleet-env",
  reportsClaim: "sei-fleet-reports",
};

const WORKDIR = "/work";
const STACKS_MOUNT = "/etc/sei-fleet";
const PLAN_MOUNT = "/etc/sei-fleet-plan";
const REPORTS_MOUNT = `${WORKDIR}/fleet-out`;
/** The saved plans on the claim: the plan Job writes them, the wave Jobs apply them. */
const PLANS = `${REPORTS_MOUNT}/plans`;
const LABELS = { [LABEL.name]: "sei-fleet", [LABEL.managedBy]: MANAGED_BY };

/** File name → content: one manifest file per wave, the merge Job, and the script that runs them in order. */
export function emitK8sJobs(
  options: EmitOptions,
  planText: string,
  k8s: K8sJobOptions = K8S_DEFAULTS,
): Map<string, string> {
  if (!options.image)
    throw new Error(
      "the k8s-job engine needs --image: the container image with the project, the engine and the providers",
    );
  const files = new Map<string, string>();
  options.waves.forEach((wave, i) => {
    const name = `sei-fleet-${waveId(i)}`;
    const configMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: k8s.namespace, labels: LABELS },
      data: { stacks: `${wave.stacks.map((s) => s.name).join("\n")}\n` },
    };
    const script = [
      'stack="$(sed -n "$((JOB_COMPLETION_INDEX + 1))p" ' + `${STACKS_MOUNT}/stacks)"`,
      'test -n "$stack"',
      `exec ${applyCommand('"$stack"', `${REPORTS_MOUNT}/reports`, `${REPORTS_MOUNT}/logs`, PLANS)}`,
    ].join("\n");
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: k8s.namespace,
        labels: { ...LABELS, "sei.mg.gov.br/fleet-wave": wave.name.replace("%", "pct") },
      },
      spec: {
        completionMode: "Indexed",
        completions: wave.stacks.length,
        parallelism: Math.min(options.concurrency, wave.stacks.length),
        backoffLimitPerIndex: 0,
        maxFailedIndexes: Math.min(options.failuresAllowed, wave.stacks.length),
        ttlSecondsAfterFinished: 7 * 24 * 3600,
        template: podTemplate(options.image!, k8s, ["/bin/sh", "-ec", script], {
          name: "stacks",
          mountPath: STACKS_MOUNT,
          configMap: { name },
        }),
      },
    };
    files.set(
      waveFile(i),
      manifests(`wave ${i + 1} of ${options.waves.length} (${wave.name}): ${wave.stacks.length} stack(s)`, [
        configMap,
        job,
      ]),
    );
  });
  const plan = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "sei-fleet-plan", namespace: k8s.namespace, labels: LABELS },
    data: { "fleet-plan.json": planText },
  };
  // A one-off Job of the fleet image with the saved fleet plan mounted: the report merge and the plan.
  const image: string = options.image;
  const planMountedJob = (name: string, command: string[]) => ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: k8s.namespace, labels: LABELS },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: podTemplate(image, k8s, command, {
        name: "plan",
        mountPath: PLAN_MOUNT,
        configMap: { name: "sei-fleet-plan" },
      }),
    },
  });
  const merge = planMountedJob("sei-fleet-report", [
    "/bin/sh",
    "-ec",
    `cd ${REPORTS_MOUNT}\n${mergeCommand({ ...options, planFile: `${PLAN_MOUNT}/fleet-plan.json` }, "reports", "logs")} || test $? -eq 1\ncat ${MERGED.summary}`,
  ]);
  files.set(K8S_FILES.report, manifests("merges the reports of every wave", [plan, merge]));
  // A new folder for each plan: old plans never mix with new ones.
  const planJob = planMountedJob("sei-fleet-plan", [
    "/bin/sh",
    "-ec",
    `rm -rf ${PLANS}\n${planCommand(options, PLANS, `${REPORTS_MOUNT}/logs`)} || status=$?\ncat ${PLANS}/summary.md\nexit "\${status:-0}"`,
  ]);
  files.set(K8S_FILES.plan, manifests("plans every stack and saves the plans for review", [plan, planJob]));
  files.set(
    K8S_FILES.schedule,
    manifests(
      "the scheduled tasks",
      scheduledTasks(options, REPORTS_MOUNT).map((task) => ({
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: `sei-fleet-${task.id}`, namespace: k8s.namespace, labels: LABELS },
        spec: {
          schedule: task.cron,
          timeZone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          jobTemplate: {
            spec: {
              backoffLimit: 0,
              ttlSecondsAfterFinished: 7 * 24 * 3600,
              template: podTemplate(options.image!, k8s, ["/bin/sh", "-ec", task.command], {
                name: "plan",
                mountPath: PLAN_MOUNT,
                configMap: { name: "sei-fleet-plan" },
              }),
            },
          },
        },
      })),
    ),
  );
  files.set(K8S_FILES.script, rolloutScript(options, k8s));
  return files;
}

/** A ConfigMap mounted read-only into the pod. */
interface ConfigVolume {
  readonly name: string;
  readonly mountPath: string;
  readonly configMap: { readonly name: string };
}

function podTemplate(image: string, k8s: K8sJobOptions, command: string[], config: ConfigVolume) {
  return {
    metadata: { labels: LABELS },
    spec: {
      restartPolicy: "Never",
      ...restrictedPodSpec({ serviceAccountName: k8s.serviceAccount, imagePullSecrets: [], user: FLEET_IMAGE_USER }),
      containers: [
        {
          name: "fleet",
          image,
          workingDir: WORKDIR,
          command,
          envFrom: [{ secretRef: { name: k8s.envSecret } }],
          env: [{ name: "CI", value: "true" }],
          resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
          securityContext: restrictedContainerSecurityContext({
            readOnlyRootFilesystem: "the engine writes its working folders and provider plugins beside the project",
          }),
          volumeMounts: [
            { name: "reports", mountPath: REPORTS_MOUNT },
            { name: config.name, mountPath: config.mountPath, readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: "reports", persistentVolumeClaim: { claimName: k8s.reportsClaim } },
        { name: config.name, configMap: config.configMap },
      ],
    },
  };
}

function manifests(what: string, objects: readonly object[]): string {
  return `# ${GENERATED}\n# ${what}\n${objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n")}`;
}

function rolloutScript(options: EmitOptions, k8s: K8sJobOptions): string {
  const waves = options.waves.map((_, i) => waveId(i)).join(" ");
  return `#!/bin/sh
# ${GENERATED}
# "plan" runs the plan Job and prints the summary of the saved plans: the operator's review.
# "apply" is the approval: it applies one wave's Job at a time (each pod applies its stack's saved
# plan) and waits for it, printing its progress; stops at the first Job that fails (more failed
# stacks than maxFailedIndexes) or that is not done within the timeout, then runs the report Job.
#   sh rollout.sh plan; sh rollout.sh apply    (kubectl pointed at the cluster that runs the Jobs)
#   SEI_FLEET_WAVE_TIMEOUT  seconds a wave may take (default ${WAVE_TIMEOUT_SECONDS}: ${WAVE_TIMEOUT_SECONDS / 3600} h)
#   SEI_FLEET_POLL_SECONDS  seconds between two looks at a wave (default 10)
set -u
here="$(cd "$(dirname "$0")" && pwd)"
ns=${shellWord(k8s.namespace)}
timeout="\${SEI_FLEET_WAVE_TIMEOUT:-${WAVE_TIMEOUT_SECONDS}}"
poll="\${SEI_FLEET_POLL_SECONDS:-10}"
case "\${1:-}" in
  plan)
    # Plans every stack and saves the plans on the claim; the operator reads the summary, then approves
    # by running "sh rollout.sh apply". Nothing is applied here.
    kubectl -n "$ns" delete job sei-fleet-plan --ignore-not-found || exit 2
    kubectl apply -f "$here/${K8S_FILES.plan}" || exit 2
    kubectl -n "$ns" wait --for=condition=Complete job/sei-fleet-plan --timeout="\${timeout}s"
    planned=$?
    kubectl -n "$ns" logs job/sei-fleet-plan
    if [ "$planned" -ne 0 ]; then echo "the plan failed or is not done: nothing to approve" >&2; exit 1; fi
    echo "review the summary above; to apply exactly these plans: sh $0 apply"
    exit 0 ;;
  apply) ;;
  *) echo "usage: sh $0 plan   (then, after review)   sh $0 apply" >&2; exit 2 ;;
esac
status=0
for wave in ${waves}; do
  kubectl apply -f "$here/$wave.yaml" || { status=2; break; }
  started="$(date +%s)"
  last=""
  while :; do
    out="$(kubectl -n "$ns" get job "sei-fleet-$wave" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}|{.status.succeeded}|{.status.failed}|{.status.active}|{.spec.completions}')"
    progress="$(printf '%s\\n' "$out" | awk -F'|' '{ printf "%d/%d stacks done, %d failed, %d running", $2, $5, $3, $4 }')"
    [ "$progress" = "$last" ] || echo "$wave: $progress"
    last="$progress"
    case "\${out%%|*}" in
      *Complete*) echo "$wave: complete"; break ;;
      *Failed*) echo "$wave: failed; later waves are held" >&2; status=1; break ;;
    esac
    if [ $(($(date +%s) - started)) -ge "$timeout" ]; then
      echo "$wave: not done after $timeout s; later waves are held (the Job goes on: kubectl -n $ns get job sei-fleet-$wave)" >&2
      status=1
      break
    fi
    sleep "$poll"
  done
  [ "$status" -eq 0 ] || break
done
kubectl apply -f "$here/${K8S_FILES.report}"
kubectl -n "$ns" wait --for=condition=Complete job/sei-fleet-report --timeout=10m && kubectl -n "$ns" logs job/sei-fleet-report
exit "$status"
# Each pod runs: ${SEI_INFRA} fleet apply --yes --only <stack of its index> --plans ${PLANS}
`;
}

/** How long rollout.sh waits for one wave by default: a wave of hundreds of stacks at a few minutes each. */
const WAVE_TIMEOUT_SECONDS = 6 * 3600;
