/** The files a command writes (reports, pipelines, summaries): whole or not at all, never through a link. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { printable } from "../core/printable.ts";
import { realFolderInside } from "../sources/working-tree.ts";
import { UsageError } from "./exit.ts";
import { plainKind } from "./plain-path.ts";

/**
 * Writes a file whole or not at all (a temporary file renamed into place),
 * creating its folder. The temporary file is created anew (O_EXCL), so a link
 * planted at its predictable name is never written through, and a folder
 * inside the project reached through a link that leads out of it is refused.
 * A link, a FIFO or a folder at the file's own name is refused, not replaced: in CI a
 * report is written inside a pull request's checkout, where a committed link
 * named like it says someone meant it to lead elsewhere.
 */
export function writeOutput(cwd: string, file: string, text: string | Buffer, mode = 0o644): void {
  const path = resolve(cwd, file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    realFolderInside(cwd, dirname(path));
    plainKind(path, file, "file");
    const temporary = `${path}.${process.pid}.tmp`;
    // A leftover of a killed run, or a planted link: removed (a link itself, never its target), then created anew.
    rmSync(temporary, { force: true });
    writeFileSync(temporary, text, { flag: "wx", mode });
    renameSync(temporary, path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot write ${printable(file)}: ${(error as Error).message}`);
  }
}
