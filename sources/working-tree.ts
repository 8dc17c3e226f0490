/** The FileSource of files on disk, under a root folder (the repository checked out). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FileSource } from "../core/source.ts";

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
