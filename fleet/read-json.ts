/**
 * Reads a report or a rollout plan back, checked against its schema. Files
 * the core loader accepts (up to its size limit) get its positioned messages
 * (`file:line:column: error: field: message`); a larger merged report is
 * checked the same way with field paths only.
 *
 * Reports come from CI artifacts, which anyone who can push a branch shapes:
 * they are read like input files (regular files only, never through a link,
 * bounded in size), and no message quotes their content.
 */
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { z } from "zod";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { MAX_FILE_BYTES, validateBytes } from "../core/load/index.ts";
import { printable } from "../core/printable.ts";
import { RefusedPath } from "../core/source.ts";
import { readRegularFile } from "../sources/working-tree.ts";
import { UsageError } from "../shell/exit.ts";
import { plainKind } from "../shell/plain-path.ts";

/** A merged report of the whole fleet is about 1 KiB a stack: 16 MiB is room for ten thousand. */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024;

export function readJsonFile<S extends z.ZodType>(cwd: string, file: string, schema: S, what: string): z.output<S> {
  const path = resolve(cwd, file);
  const name = printable(file);
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFile(path, MAX_REPORT_BYTES);
  } catch (error) {
    if (!(error instanceof RefusedPath)) throw error;
    throw new UsageError(`${name}: cannot read the ${what}: ${error.message}`);
  }
  if (bytes === undefined) throw new UsageError(`${name}: cannot read the ${what}: no such file`);
  if (bytes.length <= MAX_FILE_BYTES) {
    const loaded = validateBytes(bytes, file, schema);
    if (loaded.value === undefined || loaded.diagnostics.some((d) => d.severity === "error")) {
      throw new UsageError(`${name} is not a valid ${what}:\n${loaded.diagnostics.map(formatDiagnostic).join("\n")}`);
    }
    return loaded.value;
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch {
    // JSON.parse's own message quotes the text around the fault: say where only.
    throw new UsageError(`${name}: error: the ${what} is not valid JSON`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `${name}: error: ${printable(i.path.join(".")) || "(document)"}: ${printable(i.message)}`,
    );
    throw new UsageError(`${name} is not a valid ${what}:\n${lines.join("\n")}`);
  }
  return result.data;
}

/**
 * Files named on the command line; a folder stands for every *.json file under
 * it (CI artifacts land in subfolders). With `allowEmpty` (a rollout plan says
 * which reports to expect) a missing or empty folder is no error: every job of
 * it may have died before writing. Artifacts are shaped by whoever pushed the
 * branch: a symbolic link, named or found in a folder, is refused, never
 * followed (a link to a folder would pull in reports from anywhere).
 */
export function jsonFilesOf(cwd: string, paths: readonly string[], allowEmpty = false): string[] {
  return paths.flatMap((path) => {
    const kind = plainKind(resolve(cwd, path), path);
    if (!kind) {
      if (allowEmpty) return [];
      throw new UsageError(`${printable(path)}: no such file or folder`);
    }
    if (kind === "file") return [path];
    const found = jsonFilesUnder(resolve(cwd, path))
      .map((file) => relative(cwd, file))
      .sort();
    if (found.length === 0 && !allowEmpty) throw new UsageError(`${printable(path)}: no .json report in this folder`);
    return found;
  });
}

/** The *.json files under `folder`, descending into real folders only; a link, a FIFO or the like is refused. */
function jsonFilesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (plainKind(path, path) === "folder") return jsonFilesUnder(path);
    return entry.name.endsWith(".json") ? [path] : [];
  });
}
