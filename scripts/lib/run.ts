/**
 * Child processes for the end-to-end suite, the demo and the benchmarks: a
 * program run to completion with its output collected, and kubectl on the
 * cluster KUBECONFIG names. Nothing here throws on an exit code except
 * `kubectl`, whose callers want the output or a clear failure.
 */
import { spawn } from "node:child_process";
import { REPO_ROOT } from "./example-plan.ts";

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a program to completion, collecting stdout and stderr together; never throws on exit codes. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? -1, output }));
    child.stdin.end(options.input ?? "");
  });
}

/** kubectl with the environment's KUBECONFIG; throws with its output when it fails. */
export async function kubectl(args: readonly string[], input?: string): Promise<string> {
  const result = await run("kubectl", args, { cwd: REPO_ROOT, ...(input ? { input } : {}) });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${result.code}):\n${result.output}`);
  return result.output;
}

/** `cdktf deploy` of one municipality in a workspace: the command a platform engineer runs per contract. */
export function deploy(workspace: string, name: string): Promise<RunResult> {
  return run("npx", ["cdktf", "deploy", `sei-${name}`, "--auto-approve", "--skip-provider-lock", "--no-color"], {
    cwd: workspace,
    env: { SEI_ONLY: name, CI: "1" },
  });
}
