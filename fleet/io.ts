/** Where a fleet command runs and writes; the CLI passes the process's own, tests their collectors. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { printable } from "../core/printable.ts";
import type { Ask } from "./approval.ts";
import { realFolderInside } from "../sources/working-tree.ts";
import { UsageError } from "../shell/exit.ts";
import { guarded as guardedCommand } from "../shell/guard.ts";

export interface FleetIo {
  /** The project root, where platform.yaml is; relative paths are relative to it. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Draw a live progress line (standard error is a terminal, not CI). */
  readonly live: boolean;
  /** Asks on the terminal (`fleet apply`'s confirmation); absent when standard input is no terminal. */
  readonly ask?: Ask;
}

/**
 * Writes a file whole or not at all (a temporary file renamed into place),
 * creating its folder. The temporary file is created anew (O_EXCL), so a link
 * planted at its predictable name is never written through, and a folder
 * inside the project reached through a link that leads out of it is refused.
 */
export function writeOutput(cwd: string, file: string, text: string | Buffer, mode = 0o644): void {
  const path = resolve(cwd, file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    realFolderInside(cwd, dirname(path));
    const temporary = `${path}.${process.pid}.tmp`;
    // A leftover of a killed run, or a planted link: removed (a link itself, never its target), then created anew.
    rmSync(temporary, { force: true });
    writeFileSync(temporary, text, { flag: "wx", mode });
    renameSync(temporary, path);
  } catch (error) {
    throw new UsageError(`cannot write ${printable(file)}: ${(error as Error).message}`);
  }
}

/** Runs a fleet command body: a UsageError becomes `sei-infra fleet: <message>` and exit code 2 (shell/guard.ts). */
export function guarded(io: FleetIo, body: () => Promise<number> | number): Promise<number> {
  return guardedCommand("fleet", io.err, body);
}
