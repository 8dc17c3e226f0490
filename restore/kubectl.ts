/**
 * kubectl on one cluster entry of platform.yaml (its kubeconfig and context),
 * as the restore drives it: each call runs to completion and resolves with its
 * standard output; a failure rejects with a KubectlError carrying kubectl's own
 * message. No stream error escapes: kubectl may exit (and close its stdin)
 * before it has read what it was given, which is an EPIPE on our side, and its
 * exit code says what happened. Each kubectl runs in its own process group, so
 * a Ctrl-C at the terminal reaches only sei-infra, which decides what to stop
 * (stopKubectl) and still has kubectl to start the app again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { homedir } from "node:os";
import type { InstancePlan } from "../core/plan.ts";

export class KubectlError extends Error {}

export type Kubectl = (args: readonly string[], input?: string) => Promise<string>;

/** kubectl processes still running, so an interrupted restore can stop a long wait. */
const running = new Set<ChildProcess>();

/** Stops every running kubectl call (each rejects); later calls run as usual. */
export function stopKubectl(): void {
  for (const child of running) child.kill("SIGTERM");
}

/** `~/` in platform.yaml's kubeconfig paths is the user's home, as the Terraform providers read it. */
function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path;
}

export function kubectlFor(
  cluster: InstancePlan["cluster"],
  env: Readonly<Record<string, string | undefined>>,
): Kubectl {
  const base = ["--kubeconfig", expandHome(cluster.kubeconfigPath), "--context", cluster.context];
  const what = (args: readonly string[]) =>
    `kubectl ${args
      .filter((a) => !a.startsWith("-"))
      .slice(0, 3)
      .join(" ")}`;
  return (args, input) =>
    new Promise((resolve, reject) => {
      const child = spawn(env.KUBECTL ?? "kubectl", [...base, ...args], {
        env: { ...process.env, ...env },
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
      });
      running.add(child);
      let stdout = "";
      let stderr = "";
      let startError: Error | undefined;
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      // Read errors of the pipes end in "close" like everything else; the exit code tells.
      child.stdout.on("error", () => undefined);
      child.stderr.on("error", () => undefined);
      child.stdin.on("error", () => undefined);
      child.on("error", (error) => (startError = error));
      child.on("close", (code, signal) => {
        running.delete(child);
        if (startError) reject(new KubectlError(`kubectl could not start: ${startError.message}`));
        else if (code === 0) resolve(stdout);
        else
          reject(
            new KubectlError(
              `${what(args)} failed${signal ? ` (stopped by ${signal})` : ""}: ${(stderr || stdout).trim() || `exit code ${code}`}`,
            ),
          );
      });
      child.stdin.end(input ?? "");
    });
}
