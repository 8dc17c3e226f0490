/**
 * Where a command runs, and the paths typed on its command line. The project
 * is the repository root (where platform.yaml and tiers/ are), found from any
 * folder inside it; a path the user typed is relative to where they typed it
 * and becomes a FileSource path, relative to the root with "/" separators.
 */
import { lstatSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { MUNICIPALITIES_DIR, PLATFORM_FILE } from "../core/load-fleet.ts";
import { UsageError } from "./exit.ts";
import type { Io } from "./io.ts";

export interface Project {
  /** The repository root: every FileSource path is relative to it. */
  readonly root: string;
  /** The folder the command runs in: paths typed on the command line are relative to it. */
  readonly cwd: string;
}

/** `path` relative to `root`, with "/" separators, as FileSource and diagnostics use. */
export function sourcePath(root: string, path: string): string {
  return relative(root, resolve(root, path)).split(sep).join("/") || ".";
}

/** Whether anything is at `path`, a link included (not followed): what it is, the loader judges and reports. */
function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

/**
 * The project around `cwd`: the nearest folder at or above it that holds
 * platform.yaml, so a command run from docs/ or tiers/ still finds it.
 */
export function findProject(cwd: string): Project {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    if (exists(join(folder, PLATFORM_FILE))) return { root: folder, cwd: resolve(cwd) };
    if (dirname(folder) === folder)
      throw new UsageError(`no ${PLATFORM_FILE} in ${cwd} or any folder above it: run sei-infra inside the repository`);
  }
}

/**
 * A command that works at the repository root, started from any folder inside
 * it: fleet names its work folder, logs and reports relative to the root in
 * what it writes. Its Io moves to the root, and `typed` rebases a path typed
 * where the command was started (`--report` typed in a subfolder names a file
 * of that subfolder) onto the root.
 */
export function atRoot(io: Io): { readonly io: Io; readonly typed: (path: string) => string } {
  const project = findProject(io.cwd);
  return {
    io: { ...io, cwd: project.root },
    // An absolute path stays as typed (messages quote it so).
    typed: (path) => (isAbsolute(path) ? path : sourcePath(project.root, resolve(project.cwd, path))),
  };
}

/** `options` with the typed paths under `keys` (one path or a list of them) rebased by `typed`; absent ones stay absent. */
export function rebased<T extends object>(
  options: T,
  keys: readonly (keyof T & string)[],
  typed: (path: string) => string,
): T {
  const copy = { ...options } as Record<string, unknown>;
  for (const key of keys) {
    const value = copy[key];
    if (typeof value === "string") copy[key] = typed(value);
    else if (Array.isArray(value)) copy[key] = value.map((path) => typed(String(path)));
  }
  return copy as T;
}

/** A file the user named; a link, a folder or a FIFO there is an error of that file (the loader's), not a usage error. */
export function requireFile(project: Project, typed: string, what: string): string {
  if (!exists(resolve(project.cwd, typed))) throw new UsageError(`${what} ${typed}: no such file`);
  return sourcePath(project.root, resolve(project.cwd, typed));
}

export function requireDirectory(project: Project, typed: string, what: string): string {
  if (!statSync(resolve(project.cwd, typed), { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`${what} ${typed}: no such folder`);
  return sourcePath(project.root, resolve(project.cwd, typed));
}

/** `--municipalities` as typed (relative to where the command runs), or the repository's municipalities/. */
export function municipalitiesFolder(project: Project, typed: string | undefined): string {
  return requireDirectory(project, typed ?? join(project.root, MUNICIPALITIES_DIR), "municipalities folder");
}

/** The `--municipalities` help: its default is the repository's folder wherever the command runs. */
export const MUNICIPALITIES_OPTION_HELP = `folder of the municipality files (default: the repository's ${MUNICIPALITIES_DIR}/)`;

/** The help of a command's municipality argument (NAME): the name is the file's. */
export const MUNICIPALITY_ARGUMENT_HELP = "the municipality (its file name without .yaml)";

/** Whether a path as sourcePath gives it stays inside the project (git revisions see only the project). */
export function isInsideProject(path: string): boolean {
  return path !== ".." && !path.startsWith("../") && !isAbsolute(path);
}
