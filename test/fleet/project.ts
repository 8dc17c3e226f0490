/**
 * A copy of the repository's inputs (platform.yaml, tiers, the official list,
 * the example municipalities and the toolchain script that pins OpenTofu) in a temporary folder: a project root the
 * fleet commands can run in, with files a test adds or changes.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Io } from "../../shell/io.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

/** platform.yaml with local state files, as a throwaway checkout may keep them (the example keeps state in pg). */
export function localPlatform(): string {
  const platform = readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8");
  const local = platform.replace(
    /stateBackend:\n {4}type: pg\n {4}connectionStringEnv: PG_CONN_STR.*\n/,
    "stateBackend:\n    type: local\n    directory: terraform-state\n",
  );
  if (local === platform) throw new Error("platform.yaml: the pg stateBackend block is not where the tests expect it");
  return local;
}

/** A project root; `files` (paths relative to it) are written over the copied ones. */
export function projectCopy(files: Readonly<Record<string, string>> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "sei-fleet-project-"));
  for (const path of ["platform.yaml", "tiers", "data", "municipalities", "scripts/e2e/toolchain.sh"])
    cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

export type CollectingIo = Io & { readonly output: () => string };

/** An Io over `cwd` without a terminal that collects standard output and error in one text. */
export function collectingIo(cwd: string, overrides: Partial<Io> = {}): CollectingIo {
  let output = "";
  return {
    cwd,
    env: {},
    colour: false,
    now: () => new Date(),
    stdout: (t: string) => void (output += t),
    stderr: (t: string) => void (output += t),
    output: () => output,
    ...overrides,
  };
}
