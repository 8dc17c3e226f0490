/**
 * The code of another git revision beside this checkout, to run it as it
 * was: the fleet benchmark compares a revision's speed with this one's, the
 * end-to-end suite deploys with a revision's code and plans with this one's.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./example-plan.ts";

/**
 * `ref` in a temporary git worktree, with node_modules entries linked from
 * this checkout (its own node_modules folder, so the CLI's bundle cache of
 * one checkout is never the other's).
 */
export function checkoutOf(ref: string): { tree: string; remove: () => void } {
  const tree = join(mkdtempSync(join(tmpdir(), "sei-revision-")), "tree");
  execFileSync("git", ["worktree", "add", "--detach", tree, ref], { cwd: REPO_ROOT, stdio: "ignore" });
  mkdirSync(join(tree, "node_modules"));
  for (const entry of readdirSync(join(REPO_ROOT, "node_modules")).filter((e) => e !== ".cache"))
    symlinkSync(join(REPO_ROOT, "node_modules", entry), join(tree, "node_modules", entry));
  return {
    tree,
    remove: () => execFileSync("git", ["worktree", "remove", "--force", tree], { cwd: REPO_ROOT, stdio: "ignore" }),
  };
}

/** The revision just before the commit that added `path`: the code as it was before that change. */
export function revisionBefore(path: string): string {
  const added = execFileSync("git", ["log", "-1", "--format=%H", "--diff-filter=A", "--", path], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  }).trim();
  if (!added) throw new Error(`${path} is in no commit: commit it first, the revision before it is compared`);
  return `${added}^`;
}
