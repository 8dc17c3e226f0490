/**
 * Looking into a running instance's pods, for the end-to-end suite and the
 * workload benchmark: commands in a pod, SQL as the database administrator,
 * a namespace's pods, a Job's log.
 */
import { kubectl, run, type RunResult } from "./run.ts";
import { REPO_ROOT } from "./example-plan.ts";
import { SECRET_KEYS, SECRET_NAMES } from "../../core/naming.ts";

const DATABASE_CREDENTIALS = SECRET_NAMES.database;
const ROOT_PASSWORD_KEY = SECRET_KEYS.database.rootPassword;

/**
 * Runs a command in a pod (or `deploy/NAME`), in `container` when the pod has more than one (kubectl
 * would otherwise say which it chose, mixed into the output); never throws on its exit code.
 */
export function exec(
  namespace: string,
  target: string,
  command: readonly string[],
  container?: string,
): Promise<RunResult> {
  return run("kubectl", ["-n", namespace, "exec", target, ...(container ? ["-c", container] : []), "--", ...command], {
    cwd: REPO_ROOT,
  });
}

/**
 * Runs SQL in the database pod as the administrator, with the password the credentials Secret holds
 * now: after a rotation of the administrator's password the pod's own environment still has the old
 * one until the pod is replaced (docs/runbooks/rotate-credentials.md). The password goes in on
 * standard input, never on a command line.
 */
export async function sql(namespace: string, query: string): Promise<string> {
  const secret = JSON.parse(await kubectl(["-n", namespace, "get", "secret", DATABASE_CREDENTIALS, "-o", "json"])) as {
    data?: Record<string, string>;
  };
  const encoded = secret.data?.[ROOT_PASSWORD_KEY];
  if (!encoded) throw new Error(`Secret ${namespace}/${DATABASE_CREDENTIALS} has no ${ROOT_PASSWORD_KEY}`);
  const result = await run(
    "kubectl",
    [
      ...["-n", namespace, "exec", "-i", "sei-database-0", "-c", "database", "--"],
      "bash",
      "-c",
      'IFS= read -r MYSQL_PWD && export MYSQL_PWD && exec mariadb --user=root --batch --skip-column-names --default-character-set=utf8mb4 -e "$1"',
      "sql",
      query,
    ],
    { cwd: REPO_ROOT, input: `${Buffer.from(encoded, "base64").toString("utf8")}\n` },
  );
  if (result.code !== 0) throw new Error(`SQL in ${namespace} failed: ${query}\n${result.output}`);
  return result.output;
}

export interface Pod {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string }[];
    deletionTimestamp?: string;
  };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}

export async function pods(namespace: string): Promise<Pod[]> {
  return (JSON.parse(await kubectl(["-n", namespace, "get", "pods", "-o", "json"])) as { items: Pod[] }).items;
}

/** The pods that serve the instance: not a Job's, not on their way out. */
export async function servingPods(namespace: string): Promise<Pod[]> {
  return (await pods(namespace)).filter(
    (p) => !p.metadata.ownerReferences?.some((o) => o.kind === "Job") && !p.metadata.deletionTimestamp,
  );
}

export function isReady(pod: Pod): boolean {
  return pod.status.conditions?.find((c) => c.type === "Ready")?.status === "True";
}

/** Waits until no pod of the namespace runs or waits to run (a suspended instance); finished Job pods stay as records. */
export async function waitForNoPods(namespace: string, seconds = 180): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  const live = async () =>
    (await pods(namespace)).filter((p) => p.status.phase !== "Succeeded" && p.status.phase !== "Failed");
  while ((await live()).length > 0) {
    if (Date.now() > deadline)
      throw new Error(
        `pods of ${namespace} still there after ${seconds} s: ${(await live()).map((p) => p.metadata.name).join(", ")}`,
      );
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** The logs of a Job's pod. */
export function jobLog(namespace: string, job: string): Promise<string> {
  return kubectl(["-n", namespace, "logs", `job/${job}`]);
}
