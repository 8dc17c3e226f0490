/**
 * Helpers of the end-to-end suite: a workspace (a copy of the project whose
 * platform.yaml points at the local control plane), and thin wrappers around
 * the real cdktf CLI, terraform and kubectl.
 */
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { PROJECT_ENTRIES, requireEnv } from "../../scripts/lib/e2e-workspace.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { kubectl, run, type RunResult } from "../../scripts/lib/run.ts";

// The workspace itself is shared with the fleet benchmark, which never imports from test/.
export {
  DATA_CLAIMS,
  STORAGE_CLASSES,
  createWorkspace,
  requireEnv,
  storageClassManifests,
  storageManifest,
  volumePath,
} from "../../scripts/lib/e2e-workspace.ts";
export { deploy, kubectl, run, type RunResult } from "../../scripts/lib/run.ts";

/** Copies a workspace (a second engineer's checkout of the same configuration and state). */
export function cloneWorkspace(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "sei-e2e-ws-"));
  for (const entry of [...PROJECT_ENTRIES, "platform.yaml", "municipalities"]) {
    cpSync(join(source, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Edits one municipality file of a workspace as an engineer would, keeping its comments. */
export function editMunicipality(workspace: string, name: string, path: readonly string[], value: unknown): void {
  const file = join(workspace, "municipalities", `${name}.yaml`);
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(path, value);
  writeFileSync(file, doc.toString());
}

export function destroy(workspace: string, name: string): Promise<RunResult> {
  return run("npx", ["cdktf", "destroy", `sei-${name}`, "--auto-approve", "--skip-provider-lock", "--no-color"], {
    cwd: workspace,
    env: { SEI_ONLY: name, CI: "1" },
  });
}

/** Synthesizes one municipality's stack into the workspace's cdktf.out without deploying (`cdktf synth`). */
export function synth(workspace: string, name: string): Promise<RunResult> {
  return run("npx", ["cdktf", "synth", "--no-color"], { cwd: workspace, env: { SEI_ONLY: name, CI: "1" } });
}

/**
 * The stack folder `cdktf deploy` and `cdktf synth` write (fleet commands synthesize into a run folder of their
 * own): it holds the configuration of the last of those, initialized by an earlier deploy.
 */
export function stackDir(workspace: string, name: string): string {
  return join(workspace, "cdktf.out", "stacks", `sei-${name}`);
}

/** `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes, 1 = error. */
export function planExitCode(workspace: string, name: string): Promise<RunResult> {
  return run(requireEnv("SEI_E2E_TERRAFORM"), ["plan", "-detailed-exitcode", "-input=false", "-no-color"], {
    cwd: stackDir(workspace, name),
  });
}

/** A Kubernetes object as JSON. */
export async function get<T = KubeObject>(kind: string, name: string, namespace?: string): Promise<T> {
  return JSON.parse(await kubectl(["get", kind, name, "-o", "json", ...(namespace ? ["-n", namespace] : [])])) as T;
}

export async function list(kind: string, namespace: string): Promise<KubeObject[]> {
  return (JSON.parse(await kubectl(["get", kind, "-o", "json", "-n", namespace])) as { items: KubeObject[] }).items;
}

// Kubernetes objects are read loosely: the test asserts on the few fields it names.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type KubeObject = {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  status?: any;
};
/* eslint-enable @typescript-eslint/no-explicit-any */
