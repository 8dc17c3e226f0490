/**
 * All-or-nothing output folder. The app synthesizes into a staging folder
 * beside the output (same parent, so a rename is atomic and relative paths
 * inside are the same) and swaps it in only when synthesis succeeded; a
 * failure leaves the previous output untouched, or none at all.
 *
 * cdktf's App creates its outdir eagerly and writes stack by stack, so
 * pointing it at the real folder would leave half an output on failure.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** Staging folder for an output folder, named after this process. */
export function stagingFor(outdir: string): string {
  const out = resolve(outdir);
  return join(dirname(out), `.${basename(out)}.staging-${process.pid}`);
}

/** Removes staging and retired folders left by synthesis processes that no longer run. */
export function removeStaleStaging(outdir: string): void {
  const out = resolve(outdir);
  const parent = dirname(out);
  if (!existsSync(parent)) return;
  const pattern = new RegExp(`^\\.${escape(basename(out))}\\.(?:staging|retired)-(\\d+)$`);
  for (const name of readdirSync(parent)) {
    const pid = pattern.exec(name)?.[1];
    if (pid && !isRunning(Number(pid))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

export interface PublishOptions {
  /**
   * Stack folders of the previous output to carry into the new one although
   * the new synthesis has no such stack. cdktf-cli lists the stack folders
   * before running the app and deletes the orphans itself afterwards, failing
   * if one is already gone; under the CLI, orphans are left for it to delete.
   * @default false
   */
  readonly leaveOrphanStacks?: boolean;
}

/** Replaces `outdir` by `staging` (both siblings), then deletes the previous output. */
export function publish(staging: string, outdir: string, options: PublishOptions = {}): void {
  const out = resolve(outdir);
  const retired = join(dirname(out), `.${basename(out)}.retired-${process.pid}`);
  const hadOutput = existsSync(out);
  if (hadOutput) renameSync(out, retired);
  try {
    renameSync(staging, out);
  } catch (error) {
    // Put the previous output back: a failed swap must not leave no output at all.
    if (hadOutput) renameSync(retired, out);
    throw error;
  }
  if (options.leaveOrphanStacks && existsSync(retired)) {
    const stacks = (dir: string) => (existsSync(join(dir, "stacks")) ? readdirSync(join(dir, "stacks")) : []);
    const current = new Set(stacks(out));
    for (const name of stacks(retired)) {
      if (current.has(name)) continue;
      mkdirSync(join(out, "stacks"), { recursive: true });
      renameSync(join(retired, "stacks", name), join(out, "stacks", name));
    }
  }
  rmSync(retired, { recursive: true, force: true });
}

/** Deletes a staging folder after a failed synthesis. */
export function discard(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
