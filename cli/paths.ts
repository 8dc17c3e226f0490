/**
 * Command-line paths → FileSource paths. The working tree source is rooted at
 * the current directory (where platform.yaml and tiers/ are), and reads paths
 * relative to it; a path the user typed may be absolute or contain "./".
 */
import { lstatSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { PLATFORM_FILE } from "../core/fleet.ts";
import { UsageError } from "../shell/exit.ts";

/** `path` relative to `root`, with "/" separators, as FileSource and diagnostics use. */
export function sourcePath(root: string, path: string): string {
  return relative(root, resolve(root, path)).split(sep).join("/") || ".";
}

/** Whether anything is at `path`, a link included (not followed): what it is, the loader judges and reports. */
function exists(root: string, path: string): boolean {
  return lstatSync(resolve(root, path), { throwIfNoEntry: false }) !== undefined;
}

/** A file the user named; a link, a folder or a FIFO there is an error of that file (the loader's), not a usage error. */
export function requireFile(root: string, path: string, what: string): string {
  if (!exists(root, path)) throw new UsageError(`${what} ${path}: no such file`);
  return sourcePath(root, path);
}

/** Whether a path as sourcePath gives it stays inside the project (git revisions see only the project). */
export function isInsideProject(path: string): boolean {
  return path !== ".." && !path.startsWith("../") && !isAbsolute(path);
}

export function requireDirectory(root: string, path: string, what: string): string {
  if (!statSync(resolve(root, path), { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`${what} ${path}: no such folder`);
  return sourcePath(root, path);
}

/** Every command reads platform.yaml and tiers/ from the folder it runs in. */
export function requireProjectRoot(root: string): void {
  if (!exists(root, PLATFORM_FILE))
    throw new UsageError(`no ${PLATFORM_FILE} in ${root}: run sei-infra from the repository root`);
}

/**
 * The repository root: `cwd` or the nearest folder above it that holds
 * platform.yaml, so a command run from docs/ or tiers/ still finds the project.
 */
export function findProjectRoot(cwd: string): string {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    if (exists(folder, PLATFORM_FILE)) return folder;
    if (dirname(folder) === folder)
      throw new UsageError(`no ${PLATFORM_FILE} in ${cwd} or any folder above it: run sei-infra inside the repository`);
  }
}
