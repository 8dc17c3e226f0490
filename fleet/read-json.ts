/**
 * Reads a report or a rollout plan back, checked against its schema. Files
 * the core loader accepts (up to its size limit) get its positioned messages
 * (`file:line:column: error: field: message`); a larger merged report is
 * checked the same way with field paths only.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { z } from "zod";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { MAX_FILE_BYTES, validateBytes } from "../core/load/index.ts";
import { FleetUsageError } from "./errors.ts";

export function readJsonFile<S extends z.ZodType>(cwd: string, file: string, schema: S, what: string): z.output<S> {
  const path = resolve(cwd, file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new FleetUsageError(`${file}: cannot read the ${what}: ${(error as Error).message}`);
  }
  if (bytes.length <= MAX_FILE_BYTES) {
    const loaded = validateBytes(bytes, file, schema);
    if (loaded.value === undefined || loaded.diagnostics.some((d) => d.severity === "error")) {
      throw new FleetUsageError(`${file} is not a valid ${what}:\n${loaded.diagnostics.map(formatDiagnostic).join("\n")}`);
    }
    return loaded.value;
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new FleetUsageError(`${file}: error: not JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${file}: error: ${i.path.join(".") || "(document)"}: ${i.message}`);
    throw new FleetUsageError(`${file} is not a valid ${what}:\n${lines.join("\n")}`);
  }
  return result.data;
}

/**
 * Files named on the command line; a folder stands for every *.json file under
 * it (CI artifacts land in subfolders). With `allowEmpty` (a rollout plan says
 * which reports to expect) a missing or empty folder is no error: every job of
 * it may have died before writing.
 */
export function jsonFilesOf(cwd: string, paths: readonly string[], allowEmpty = false): string[] {
  return paths.flatMap((path) => {
    const stat = statSync(resolve(cwd, path), { throwIfNoEntry: false });
    if (!stat) {
      if (allowEmpty) return [];
      throw new FleetUsageError(`${path}: no such file or folder`);
    }
    if (!stat.isDirectory()) return [path];
    const found = (readdirSync(resolve(cwd, path), { recursive: true }) as string[])
      .filter((name) => name.endsWith(".json"))
      .map((name) => relative(cwd, join(resolve(cwd, path), name)))
      .sort();
    if (found.length === 0 && !allowEmpty) throw new FleetUsageError(`${path}: no .json report in this folder`);
    return found;
  });
}
