/**
 * One synthesis of the selected stacks, by the project's own cdktf app run
 * exactly as cdktf runs it (the `app` command of cdktf.json, through a shell)
 * with SEI_ONLY naming the selection and CDKTF_OUTDIR the output. The app
 * validates, synthesizes on several threads and swaps its output in only
 * when every stack is written (docs/synth.md).
 *
 * A child process rather than an import: the CLI is one bundled file that
 * starts fast, and cdktf is loaded only by the app.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FleetStack } from "./selection.ts";

export interface SynthResult {
  readonly ok: boolean;
  readonly ms: number;
  /** stdout and stderr of the app. */
  readonly log: string;
}

export function synthesize(
  stacks: readonly FleetStack[],
  options: { root: string; outdir: string; log: string; env: NodeJS.ProcessEnv },
): Promise<SynthResult> {
  const app = (JSON.parse(readFileSync(join(options.root, "cdktf.json"), "utf8")) as { app: string }).app;
  const started = Date.now();
  const fd = openSync(options.log, "w");
  return new Promise((resolvePromise) => {
    const child = spawn(app, {
      cwd: options.root,
      shell: true,
      stdio: ["ignore", fd, fd],
      env: { ...options.env, SEI_ONLY: stacks.map((s) => s.municipality).join(","), CDKTF_OUTDIR: options.outdir },
    });
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      closeSync(fd);
      resolvePromise({ ok, ms: Date.now() - started, log: options.log });
    };
    child.once("error", () => finish(false));
    child.once("close", (code) => finish(code === 0));
  });
}
