/**
 * The part of a restore that changes things, once every check has passed and
 * the person confirmed: the writers (app and scheduler) stopped, the restore
 * Job run with its log shown as it goes, and the writers started again at the
 * plan's counts: always, on success, failure, or SIGINT/SIGTERM (which also
 * stop the Job). Returns the exit code (shell/exit.ts, EXIT_MEANINGS.restore).
 */
import type { InstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { EXIT } from "../shell/exit.ts";
import type { Io } from "../shell/io.ts";
import { RESTORE_JOB_NAME } from "./job.ts";
import { KubectlError, stopKubectl, type Kubectl } from "./kubectl.ts";
import { runJob } from "./run-job.ts";
import { startWriters, startWritersByHand, stopWriters, WRITERS } from "./writers.ts";

/** Not a failure of the restore: a person or the system asked it to stop. */
class Interrupted extends Error {}

/** What is restored: "set 2026-12-01" or "the point 2026-12-07T13:15:00Z" for messages, and the Job that does it. */
export interface RestoreRun {
  readonly label: string;
  readonly job: Record<string, unknown>;
}

export async function restoreWithWritersStopped(
  plan: InstancePlan,
  { label, job }: RestoreRun,
  timeoutMs: number,
  kubectl: Kubectl,
  io: Pick<Io, "stdout" | "stderr">,
): Promise<number> {
  const namespace = plan.namespace.name;
  const say = (text: string) => io.stdout(`restore ${plan.municipality.name}: ${text}\n`);
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    if (signal) return void io.stderr(`sei-infra restore: ${received}: still starting the app again; wait\n`);
    signal = received;
    io.stderr(`\nsei-infra restore: ${received}: stopping the restore and starting the app and scheduler again\n`);
    stopKubectl();
  };
  // Once the signal came, the restore issues no further call: only the clean-up below runs.
  const step: Kubectl = (args, input) => (signal ? Promise.reject(new Interrupted()) : kubectl(args, input));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let code: number = EXIT.failed;
  try {
    say("stopping the app and the scheduler (nothing may write while the restore runs)");
    await stopWriters(step, namespace);
    say(`waiting for the database (${plan.database.statefulSetName})`);
    const ns = ["--namespace", namespace];
    await step([...ns, "rollout", "status", "statefulset", plan.database.statefulSetName, "--timeout=600s"]);
    say(`running the restore Job of ${label}; its log follows`);
    const started = Date.now();
    let lastOutput = started;
    const { outcome } = await runJob(step, namespace, job, {
      timeoutMs,
      onLine: (line) => {
        lastOutput = Date.now();
        io.stdout(`  ${printable(line)}   (${Math.round((lastOutput - started) / 1000)} s)\n`);
      },
      // Loading a large dump or copying a large repository is one step of hours: say it is still going.
      onPoll: (elapsed) => {
        if (Date.now() - lastOutput < 60_000) return;
        lastOutput = Date.now();
        say(`the restore Job is still running (${Math.round(elapsed / 60_000)} min)`);
      },
    });
    if (outcome !== "Complete") {
      io.stderr(
        `sei-infra restore: the restore of ${label} ${outcome === "Failed" ? "failed" : `did not finish within ${timeoutMs / 1000} s`}; its log is above (kubectl logs job/${RESTORE_JOB_NAME} -n ${namespace})\n`,
      );
    } else code = EXIT.ok;
  } catch (error) {
    if (!(error instanceof KubectlError || error instanceof Interrupted)) throw error;
    if (!signal) io.stderr(`sei-infra restore: ${printable(error.message)}\n`);
  } finally {
    if (signal) {
      code = EXIT.interrupted;
      // The Job's own clean-up drops what it staged; the target is as it was unless its final move had run.
      await kubectl([
        "--namespace",
        namespace,
        "delete",
        "job",
        RESTORE_JOB_NAME,
        "--ignore-not-found",
        "--wait=true",
      ]).catch((error: Error) => io.stderr(`sei-infra restore: could not stop the restore Job: ${error.message}\n`));
    }
    say("starting the app and the scheduler again");
    try {
      await startWriters(kubectl, plan);
    } catch (error) {
      io.stderr(
        `sei-infra restore: could not start the app and the scheduler again: ${printable((error as Error).message)}\n` +
          `sei-infra restore: start them by hand: ${startWritersByHand(plan)}\n`,
      );
      code = code === EXIT.interrupted ? code : EXIT.failed;
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (code !== EXIT.ok) return code;
  try {
    await kubectl([
      "--namespace",
      namespace,
      "wait",
      "--for=condition=Available",
      "deployment",
      "--selector",
      WRITERS,
      "--timeout=600s",
    ]);
  } catch (error) {
    io.stderr(
      `sei-infra restore: ${label} is restored, but the app did not become ready: ${printable((error as Error).message)} (kubectl -n ${namespace} get pods)\n`,
    );
    return EXIT.failed;
  }
  say(`${label} restored; the app is ready`);
  return EXIT.ok;
}
