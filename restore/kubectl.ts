/**
 * kubectl on one cluster entry of platform.yaml (its kubeconfig and context),
 * as the restore drives it: each call runs to completion; a failure throws
 * with kubectl's own message.
 */
import { spawn } from "node:child_process";
import { homedir } from "node:os";
import type { InstancePlan } from "../core/plan.ts";

export class KubectlError extends Error {}

export type Kubectl = (args: readonly string[], input?: string) => Promise<string>;

/** `~/` in platform.yaml's kubeconfig paths is the user's home, as the Terraform providers read it. */
function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path;
}

export function kubectlFor(
  cluster: InstancePlan["cluster"],
  env: Readonly<Record<string, string | undefined>>,
): Kubectl {
  const base = ["--kubeconfig", expandHome(cluster.kubeconfigPath), "--context", cluster.context];
  return (args, input) =>
    new Promise((resolve, reject) => {
      const child = spawn(env.KUBECTL ?? "kubectl", [...base, ...args], {
        env: { ...process.env, ...env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", (error) => reject(new KubectlError(`kubectl could not start: ${error.message}`)));
      child.on("close", (code) =>
        code === 0
          ? resolve(stdout)
          : reject(new KubectlError(`kubectl ${args.slice(0, 3).join(" ")} failed: ${(stderr || stdout).trim()}`)),
      );
      child.stdin.end(input ?? "");
    });
}
