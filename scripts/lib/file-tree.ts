/** Every file below a folder, by path relative to it: what the tree comparisons of tests and benches read. */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Relative path → `read(absolute path)` of every entry below `root` that is not a folder. */
export function mapFiles<T>(root: string, read: (path: string) => T): Record<string, T> {
  const files: Record<string, T> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = read(path);
  }
  return files;
}
