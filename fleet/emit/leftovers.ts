/**
 * Files in `fleet emit`'s output folder that this run did not write: a wave
 * file of a rollout that now has fewer waves, another engine's pipeline, a
 * temporary file of a killed run. The output folder is emit's alone, but only
 * what emit owns is ever deleted (`--prune`): a regular file with a name emit
 * writes under some engine (or such a name's `.<pid>.tmp`). A link is never
 * followed nor deleted, a folder never entered; anything else is named and
 * left alone.
 */
import { lstatSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { GITHUB_FILE, GITHUB_SCHEDULE_FILE } from "./github.ts";
import { GITLAB_FILE, GITLAB_SCHEDULE_FILE } from "./gitlab.ts";
import { K8S_FILES, WAVE_FILE } from "./k8s-job.ts";

/** Every name emit writes under some engine, besides the wave files. */
function ownedNames(planFile: string): Set<string> {
  return new Set([
    planFile,
    GITLAB_FILE,
    GITLAB_SCHEDULE_FILE,
    GITHUB_FILE,
    GITHUB_SCHEDULE_FILE,
    ...Object.values(K8S_FILES),
  ]);
}

export interface Leftover {
  readonly name: string;
  /** A regular file with a name emit writes: --prune deletes it. */
  readonly owned: boolean;
}

/** The entries of `dir` not in `written`, sorted (none when the folder does not exist); nothing is followed. */
export function leftovers(dir: string, written: ReadonlySet<string>, planFile: string): Leftover[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return [];
    throw error;
  }
  const owned = ownedNames(planFile);
  const ownsName = (name: string) => {
    const base = /^(.+)\.\d+\.tmp$/.exec(name)?.[1] ?? name;
    return owned.has(base) || WAVE_FILE.test(base);
  };
  return names
    .filter((name) => !written.has(name))
    .map((name) => ({ name, owned: ownsName(name) && lstatSync(join(dir, name)).isFile() }));
}

/** Deletes the owned leftovers (each checked again just before: still a regular file, never a link). */
export function pruneLeftovers(dir: string, found: readonly Leftover[]): string[] {
  const removed: string[] = [];
  for (const { name, owned } of found) {
    if (!owned || !lstatSync(join(dir, name), { throwIfNoEntry: false })?.isFile()) continue;
    // unlink removes the name itself: a link planted after the check would be removed, never followed.
    rmSync(join(dir, name));
    removed.push(name);
  }
  return removed;
}
