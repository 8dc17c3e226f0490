/** The real `sei-infra fleet` in a workspace (scripts/lib/e2e-workspace.ts), as CI runs it. */
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { run, type RunResult } from "./support.ts";

/** `sei-infra fleet …` in a workspace; no terminal, CI set: plain progress lines. */
export function fleet(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [join(REPO_ROOT, "bin", "sei-infra.js"), "fleet", ...args], {
    cwd: dir,
    env: { CI: "1", ...env },
  });
}
