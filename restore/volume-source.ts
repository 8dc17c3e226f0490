/**
 * The backup sets on an instance's own backup volume, and the state of the
 * target, read by one read-only Job (`sei-restore-check`, restore/
 * inspect.sh) while the instance keeps serving. Its results are kept
 * for the run, so `check` and `target` cost one Job together.
 */
import { z } from "zod";
import type { InstancePlan } from "../core/plan.ts";
import type { BackupSet, BackupSource, TargetState } from "./backup-source.ts";
import { INSPECTION_PREFIX } from "./scripts.ts";
import { backupClaimName, INSPECT_JOB_NAME, inspectJob } from "./job.ts";
import { KubectlError, type Kubectl } from "./kubectl.ts";
import { runJob } from "./run-job.ts";

const inspectionSchema = z.strictObject({
  sets: z.array(
    z.strictObject({
      name: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      bytes: z.number().int().nonnegative(),
      writtenAt: z.number().int().nonnegative(),
      problem: z.string().max(200),
    }),
  ),
  target: z.strictObject({
    reachable: z.boolean(),
    databases: z.number().int().nonnegative(),
    tables: z.number().int().nonnegative(),
    documentEntries: z.number().int().nonnegative(),
  }),
});

export interface Inspection {
  readonly sets: readonly BackupSet[];
  readonly target: TargetState;
}

export interface VolumeSource extends BackupSource {
  /** The target as the same Job saw it. */
  target(set: string): Promise<TargetState>;
}

export function volumeSource(
  plan: InstancePlan,
  kubectl: Kubectl,
  options: { readonly timeoutMs: number; readonly onLine: (line: string) => void },
): VolumeSource {
  const runs = new Map<string, Promise<Inspection>>();
  const inspect = (set: string) => {
    let run = runs.get(set);
    if (!run) runs.set(set, (run = inspectOnce(plan, kubectl, set, options)));
    return run;
  };
  return {
    where: `the backup volume ${backupClaimName(plan)} of namespace ${plan.namespace.name}`,
    list: async () => (await inspect("")).sets,
    check: async (name) => {
      const { sets } = await inspect(name);
      return { set: sets.find((s) => s.name === name), all: sets };
    },
    target: async (set) => (await inspect(set)).target,
  };
}

async function inspectOnce(
  plan: InstancePlan,
  kubectl: Kubectl,
  set: string,
  options: { readonly timeoutMs: number; readonly onLine: (line: string) => void },
): Promise<Inspection> {
  const log = await checkJob(plan, kubectl, inspectJob(plan, set || undefined), {
    ...options,
    quiet: (line) => line.startsWith(INSPECTION_PREFIX),
  });
  try {
    return parseInspection(log);
  } catch (error) {
    throw new KubectlError(`the read-only check (Job ${INSPECT_JOB_NAME}): ${(error as Error).message}`);
  }
}

/**
 * Runs a read-only check Job to its end and deletes it; its log's lines pass to `onLine` but those
 * `quiet` names (its results). Returns the whole log; throws KubectlError when the Job did not complete.
 */
export async function checkJob(
  plan: InstancePlan,
  kubectl: Kubectl,
  manifest: Record<string, unknown>,
  options: {
    readonly timeoutMs: number;
    readonly onLine: (line: string) => void;
    readonly quiet: (line: string) => boolean;
  },
): Promise<string> {
  const namespace = plan.namespace.name;
  const name = (manifest.metadata as { name: string }).name;
  const { outcome, log } = await runJob(kubectl, namespace, manifest, {
    timeoutMs: options.timeoutMs,
    onLine: (line) => {
      if (!options.quiet(line)) options.onLine(line);
    },
  });
  await kubectl(["--namespace", namespace, "delete", "job", name, "--ignore-not-found", "--wait=true"]);
  if (outcome !== "Complete")
    throw new KubectlError(
      `the read-only check (Job ${name}) ${outcome === "Timeout" ? "did not finish in time" : "failed"}: ${log.trim().split("\n").slice(-3).join(" / ") || "no log"}`,
    );
  return log;
}

/** The check's results from its log; throws when there are none, or they are not what the script prints. */
export function parseInspection(log: string): Inspection {
  const line = log.split("\n").find((l) => l.startsWith(INSPECTION_PREFIX));
  if (!line) throw new Error("its log holds no results");
  let parsed: z.infer<typeof inspectionSchema>;
  try {
    parsed = inspectionSchema.parse(JSON.parse(line.slice(INSPECTION_PREFIX.length)));
  } catch (error) {
    throw new Error(`its results cannot be read: ${(error as Error).message}`);
  }
  return {
    sets: parsed.sets.map((s) => ({ ...s, writtenAt: new Date(s.writtenAt * 1000) })),
    target: parsed.target,
  };
}
