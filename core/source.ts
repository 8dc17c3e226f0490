/**
 * Where input files come from: the working tree, or a git revision (for the
 * capacity diff, which reads old revisions as data and never runs old code).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface FileSource {
  /** Human label used in messages ("working tree", "origin/main"). */
  readonly label: string;
  /** Raw bytes of a file relative to the source root, or undefined when it does not exist. */
  read(path: string): Buffer | undefined;
  /** Names (not paths) of the files directly inside a folder, sorted; [] when it does not exist. */
  list(dir: string): string[];
}

export function workingTree(root: string): FileSource {
  return {
    label: "working tree",
    read(path) {
      try {
        return readFileSync(join(root, path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        // Node's message ("EISDIR: illegal operation on a directory, read") does not say which file.
        throw new Error(`${path}: cannot read: ${(error as Error).message}`, { cause: error });
      }
    },
    list(dir) {
      try {
        return readdirSync(join(root, dir)).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
    },
  };
}
