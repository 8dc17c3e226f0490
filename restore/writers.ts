/**
 * The workloads that write to the databases or the documents while the
 * instance runs (the app and the scheduler): stopped for a restore, and always
 * started again at the counts the plan gives, whatever happened in between.
 */
import { LABEL, RELEASE_NAME } from "../core/naming.ts";
import type { InstancePlan } from "../core/plan.ts";
import type { Kubectl } from "./kubectl.ts";

const selector = (components: string) => `${LABEL.instance}=${RELEASE_NAME},${LABEL.component} in (${components})`;
export const WRITERS = selector("app,scheduler");

/** The replica counts the plan gives the writers (the autoscaler, where the tier has one, takes over from there). */
export function writerCounts(plan: InstancePlan): { readonly app: number; readonly scheduler: number } {
  const values = plan.release!.values;
  return { app: values.app.replicas, scheduler: values.scheduler.enabled ? 1 : 0 };
}

export async function stopWriters(kubectl: Kubectl, namespace: string): Promise<void> {
  const ns = ["--namespace", namespace];
  await kubectl([...ns, "scale", "deployment", "--selector", WRITERS, "--replicas=0"]);
  await kubectl([...ns, "wait", "--for=delete", "pod", "--selector", WRITERS, "--timeout=300s"]);
}

export async function startWriters(kubectl: Kubectl, plan: InstancePlan): Promise<void> {
  const ns = ["--namespace", plan.namespace.name];
  const counts = writerCounts(plan);
  await kubectl([...ns, "scale", "deployment", "--selector", selector("app"), `--replicas=${counts.app}`]);
  await kubectl([...ns, "scale", "deployment", "--selector", selector("scheduler"), `--replicas=${counts.scheduler}`]);
}

/** What to type when starting them again failed, so the person at the terminal can. */
export function startWritersByHand(plan: InstancePlan): string {
  const counts = writerCounts(plan);
  const ns = `-n ${plan.namespace.name}`;
  return (
    `kubectl ${ns} scale deployment -l '${selector("app")}' --replicas=${counts.app}; ` +
    `kubectl ${ns} scale deployment -l '${selector("scheduler")}' --replicas=${counts.scheduler}`
  );
}
