/**
 * FileSources over git revisions. The capacity diff reads an old revision's
 * municipality, tier and platform files as data (blobs), never checks it out
 * and never runs its code.
 *
 * Reading costs a fixed number of git processes whatever the fleet's size: one
 * `git rev-parse` for all the revisions, one `git ls-tree -r` per revision and
 * one `git cat-file --batch` for the prefetched blobs of all of them (a blob
 * both revisions share is read once). A file outside the prefetched folders is
 * still readable, at one `git cat-file` each, so a loader that reads more than
 * expected stays correct, only slower.
 *
 * A revision is read under the working tree's rules (sources/working-tree.ts):
 * a symbolic link or a submodule at a path is refused, never followed, and so
 * is a folder where a file is expected; a blob over MAX_FILE_BYTES is refused
 * by the size `git ls-tree -l` gives, and never read.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { posix } from "node:path";
import { MAX_FILE_BYTES, tooLarge } from "../core/load/index.ts";
import { RefusedPath, type FileSource } from "../core/source.ts";

/** A revision that does not exist, a folder outside a git work tree, or git itself failing. */
export class GitError extends Error {}

export interface GitRevisionsOptions {
  /** Folder whose files the sources show, inside a git work tree; paths are relative to it. */
  readonly root: string;
  readonly revisions: readonly string[];
  /** Files and folders (relative to root) read up front in the one `cat-file --batch`. */
  readonly prefetch: readonly string[];
}

const LINK = "is a symbolic link in this revision; links are not followed, whatever they point to";

interface TreeEntry {
  readonly oid: string;
  readonly path: string;
  /** What git stores at the path; only a "file" is read. */
  readonly kind: "file" | "link" | "submodule";
  /** Bytes of a blob; 0 for a submodule. */
  readonly size: number;
}

/** One FileSource per revision, in the order given. */
export function gitRevisions({ root, revisions, prefetch }: GitRevisionsOptions): FileSource[] {
  for (const rev of revisions) checkRevision(rev);
  if (revisions.length === 0) return [];
  const commits = revParse(root, revisions);
  const trees = commits.map((commit) => listTree(root, commit));
  const wanted = prefetch.map(normalize);
  const isWanted = (path: string) => wanted.some((w) => path === w || path.startsWith(`${w}/`));
  const readable = (e: TreeEntry) => e.kind === "file" && e.size <= MAX_FILE_BYTES && isWanted(e.path);
  const oids = new Set(trees.flatMap((tree) => [...tree.values()].filter(readable).map((e) => e.oid)));
  const blobs = catFileBatch(root, [...oids]);
  return trees.map((tree, i) => treeSource(root, `${revisions[i]} (${commits[i]!.slice(0, 10)})`, tree, blobs));
}

function treeSource(
  root: string,
  label: string,
  tree: ReadonlyMap<string, TreeEntry>,
  blobs: Map<string, Buffer>,
): FileSource {
  const paths = [...tree.keys()];
  return {
    label,
    read(path) {
      const wanted = normalize(path);
      const entry = tree.get(wanted);
      if (!entry) {
        if (paths.some((p) => p.startsWith(`${wanted}/`))) throw new RefusedPath("is a folder, not a file");
        return undefined;
      }
      if (entry.kind === "link") throw new RefusedPath(LINK);
      if (entry.kind === "submodule") throw new RefusedPath("is a submodule in this revision, not a file");
      if (entry.size > MAX_FILE_BYTES) throw new RefusedPath(tooLarge(entry.size));
      let blob = blobs.get(entry.oid);
      if (!blob) {
        blob = git(root, ["cat-file", "blob", entry.oid]);
        blobs.set(entry.oid, blob);
      }
      return blob;
    },
    list(dir) {
      const kind = tree.get(normalize(dir))?.kind;
      if (kind === "link") throw new RefusedPath(LINK);
      const prefix = normalize(dir) === "." ? "" : `${normalize(dir)}/`;
      const names = new Set<string>();
      for (const path of paths) {
        if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split("/")[0]!);
      }
      return [...names].sort();
    },
  };
}

/**
 * Whether any tracked file under `paths` differs between `revision` and the
 * working tree (one `git diff --quiet`). A file that is only in the working
 * tree (new, not yet added) is not counted: alone it cannot rename, remove or
 * shrink anything.
 */
export function differsFromWorkingTree(root: string, revision: string, paths: readonly string[]): boolean {
  const result = spawnSync("git", ["diff", "--quiet", "--no-ext-diff", revision, "--", ...paths], {
    cwd: root,
    stdio: "ignore",
  });
  if (result.status === 0) return false;
  if (result.status === 1) return true;
  throw new GitError(`git diff ${revision} failed (not a git checkout, or no such revision)`);
}

/**
 * Every path (relative to root, "/" separators) whose content differs between
 * `revision` and the working tree: tracked files changed, added or removed
 * (a rename is both), and new files git does not ignore. Paths outside root
 * are not listed. Two git processes whatever the size of the change.
 */
export function changedPaths(root: string, revision: string): string[] {
  checkRevision(revision);
  const [commit] = revParse(root, [revision]);
  const nul = (out: Buffer) => out.toString("utf8").split("\0").filter(Boolean);
  const diff = git(root, ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--relative", commit!, "--"]);
  const untracked = git(root, ["ls-files", "-z", "--others", "--exclude-standard"]);
  return [...new Set([...nul(diff), ...nul(untracked)])].sort();
}

/** A revision is never read as an option of git. */
function checkRevision(rev: string): void {
  if (rev === "" || rev.startsWith("-")) throw new GitError(`"${rev}" is not a git revision`);
}

/** The commit of each revision; an unknown one is named in the error. */
function revParse(root: string, revisions: readonly string[]): string[] {
  try {
    return git(root, ["rev-parse", ...revisions.map((r) => `${r}^{commit}`)])
      .toString("utf8")
      .trim()
      .split("\n");
  } catch (error) {
    const unknown = error instanceof GitError ? /'(.+)\^\{commit\}': unknown revision/.exec(error.message) : null;
    throw unknown ? new GitError(`unknown revision "${unknown[1]}"`) : error;
  }
}

/** Files, links and submodules of a commit, by path relative to root (git lists paths relative to its working directory). */
function listTree(root: string, commit: string): Map<string, TreeEntry> {
  const tree = new Map<string, TreeEntry>();
  for (const record of git(root, ["ls-tree", "-r", "-l", "-z", commit]).toString("utf8").split("\0")) {
    // "<mode> SP <type> SP <oid> SP+ <size> TAB <path>"; the size is "-" for a submodule.
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    if (!oid) continue;
    const kind = type === "commit" ? "submodule" : mode === "120000" ? "link" : "file";
    const path = record.slice(tab + 1);
    tree.set(path, { oid, path, kind, size: Number(size) || 0 });
  }
  return tree;
}

/** Reads many blobs in one process: each answer is "<oid> blob <size>\n<bytes>\n". */
function catFileBatch(root: string, oids: readonly string[]): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  if (oids.length === 0) return blobs;
  const out = git(root, ["cat-file", "--batch"], `${oids.join("\n")}\n`);
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const [oid, type, size] = out.subarray(at, eol).toString("utf8").split(" ");
    if (type !== "blob" || !oid || size === undefined)
      throw new GitError(`git cat-file: unexpected answer "${out.subarray(at, eol).toString("utf8")}"`);
    const start = eol + 1;
    const end = start + Number(size);
    blobs.set(oid, out.subarray(start, end));
    at = end + 1;
  }
  return blobs;
}

function git(cwd: string, args: readonly string[], input?: string): Buffer {
  try {
    return execFileSync("git", args, {
      cwd,
      input,
      maxBuffer: 2 ** 30,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    const detail = e.stderr?.toString("utf8").trim() || e.message;
    throw new GitError(`git ${args[0]} failed: ${detail.split("\n")[0]}`);
  }
}

function normalize(path: string): string {
  return posix.normalize(path.replaceAll("\\", "/")).replace(/\/+$/, "");
}
