/**
 * `sei-infra restore NAME --set YYYY-MM-DD`: one backup set of a production
 * instance back into its database and document repository (docs/restore.md).
 *
 * Steps: stop the writers (app and scheduler to zero), make sure the database
 * runs, run the restore Job (restore/job.ts; it refuses a target that holds
 * data and changes nothing then), print its log, and start the writers again
 * at the counts the plan gives. Kubernetes is reached with the kubeconfig and
 * context of the municipality's cluster entry in platform.yaml.
 *
 * Exit codes: 0 restored; 1 the restore refused or failed (its log says why);
 * 2 usage (unknown municipality, not in production, bad set name).
 */
import { hasErrors } from "../core/diagnostics.ts";
import { loadFleet, MUNICIPALITIES_DIR, planFleet } from "../core/fleet.ts";
import { LABEL, RELEASE_NAME } from "../core/naming.ts";
import type { InstancePlan } from "../core/plan.ts";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { restoreJob, RESTORE_JOB_NAME } from "../restore/job.ts";
import { kubectlFor, KubectlError, type Kubectl } from "../restore/kubectl.ts";
import { workingTree } from "../sources/working-tree.ts";
import type { CommandSpec, Io } from "./command.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { requireDirectory, requireProjectRoot } from "./paths.ts";

export interface RestoreArgs {
  readonly name: string;
  readonly set: string;
  readonly municipalities: string;
  readonly timeout: string;
}

export const restore: CommandSpec<RestoreArgs> = {
  name: "restore",
  description:
    "restore one backup set into a production instance whose databases and document repository are empty (docs/restore.md)",
  define: (command) =>
    command
      .argument("<name>", "the municipality (its file name without .yaml)")
      .requiredOption("--set <date>", "the backup set, YYYY-MM-DD (the folder name under sets/ on the backup volume)")
      .option("--municipalities <dir>", "folder of the municipality files", MUNICIPALITIES_DIR)
      .option("--timeout <seconds>", "how long to wait for the restore Job", "21600"),
  run: runRestore,
};

/** The workloads that write to the databases or the documents while the instance runs. */
const WRITERS = `${LABEL.instance}=${RELEASE_NAME},${LABEL.component} in (app,scheduler)`;

export async function runRestore(args: RestoreArgs, io: Io): Promise<number> {
  try {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(args.set))
      throw new UsageError(`--set ${args.set}: a backup set is named by its date, YYYY-MM-DD`);
    const timeout = Number(args.timeout);
    if (!Number.isInteger(timeout) || timeout <= 0)
      throw new UsageError(`--timeout ${args.timeout}: a whole number of seconds`);
    const plan = planOf(args, io);
    if (!plan) return EXIT.failed;
    if (!plan.backup || !plan.release) {
      throw new UsageError(
        `${plan.municipality.name} is in phase ${plan.municipality.phase}: only a production instance has backups and runs its database; restore into it in production`,
      );
    }
    return await restoreInto(plan, args.set, timeout, kubectlFor(plan.cluster, io.env), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`sei-infra restore: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof KubectlError) {
      io.stderr(`sei-infra restore: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

function planOf(args: RestoreArgs, io: Io): InstancePlan | undefined {
  requireProjectRoot(io.cwd);
  const dir = requireDirectory(io.cwd, args.municipalities, "municipalities folder");
  const fleet = loadFleet({ source: workingTree(io.cwd), municipalitiesDir: dir, files: [`${dir}/${args.name}.yaml`] });
  if (hasErrors(fleet.diagnostics)) {
    for (const d of fleet.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return undefined;
  }
  const plan = planFleet(fleet).find((p) => p.municipality.name === args.name);
  if (!plan)
    throw new UsageError(
      `${args.name} has no instance: nothing is deployed before the contract is published on the PNCP`,
    );
  return plan;
}

async function restoreInto(
  plan: InstancePlan,
  set: string,
  timeout: number,
  kubectl: Kubectl,
  io: Io,
): Promise<number> {
  const ns = ["--namespace", plan.namespace.name];
  const say = (text: string) => io.stdout(`restore ${plan.municipality.name}: ${text}\n`);
  const values = plan.release!.values;

  say("stopping the app and the scheduler (nothing may write while the set is restored)");
  await kubectl([...ns, "scale", "deployment", "--selector", WRITERS, "--replicas=0"]);
  await kubectl([...ns, "wait", "--for=delete", "pod", "--selector", WRITERS, "--timeout=300s"]);

  say(`waiting for the database (${plan.database.statefulSetName})`);
  await kubectl([...ns, "scale", "statefulset", plan.database.statefulSetName, `--replicas=${plan.database.replicas}`]);
  await kubectl([...ns, "rollout", "status", "statefulset", plan.database.statefulSetName, "--timeout=600s"]);

  say(`running the restore Job of set ${set}`);
  await kubectl([...ns, "delete", "job", RESTORE_JOB_NAME, "--ignore-not-found", "--wait=true"]);
  await kubectl(["apply", "-f", "-"], JSON.stringify(restoreJob(plan, set)));
  const outcome = await jobOutcome(kubectl, ns, timeout);
  io.stdout(await kubectl([...ns, "logs", `job/${RESTORE_JOB_NAME}`]).catch((e: Error) => `(no log: ${e.message})\n`));

  say("starting the app and the scheduler again");
  await kubectl([
    ...ns,
    "scale",
    "deployment",
    "--selector",
    `${LABEL.instance}=${RELEASE_NAME},${LABEL.component}=app`,
    `--replicas=${values.app.replicas}`,
  ]);
  await kubectl([
    ...ns,
    "scale",
    "deployment",
    "--selector",
    `${LABEL.instance}=${RELEASE_NAME},${LABEL.component}=scheduler`,
    `--replicas=${values.scheduler.enabled ? 1 : 0}`,
  ]);
  if (outcome !== "Complete") {
    io.stderr(
      `sei-infra restore: the restore of set ${set} ${outcome === "Failed" ? "failed" : `did not finish within ${timeout} s`}; its log is above (kubectl logs job/${RESTORE_JOB_NAME} -n ${plan.namespace.name})\n`,
    );
    return EXIT.failed;
  }
  await kubectl([...ns, "wait", "--for=condition=Available", "deployment", "--selector", WRITERS, "--timeout=600s"]);
  say(`set ${set} restored; the app is ready`);
  return EXIT.ok;
}

/** Waits for the Job to complete or fail. */
async function jobOutcome(
  kubectl: Kubectl,
  ns: readonly string[],
  timeout: number,
): Promise<"Complete" | "Failed" | "Timeout"> {
  const deadline = Date.now() + timeout * 1000;
  while (Date.now() < deadline) {
    const conditions = JSON.parse(
      (await kubectl([...ns, "get", "job", RESTORE_JOB_NAME, "-o", "jsonpath={.status.conditions}"])) || "[]",
    ) as { type: string; status: string }[];
    const done = conditions.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
    if (done) return done.type as "Complete" | "Failed";
    await new Promise((r) => setTimeout(r, 2000));
  }
  return "Timeout";
}
