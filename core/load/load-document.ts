/**
 * One input file → typed value, with every problem positioned. Municipality,
 * tier and platform files all come through here, so they report errors alike.
 */
import type { z } from "zod";
import type { Diagnostic } from "../diagnostics.ts";
import { readInput, type FileSource } from "../source.ts";
import type { Locator } from "./locate.ts";
import { parseYaml } from "./parse-yaml.ts";
import { plainMessages } from "./plain-messages.ts";
import { issuesToDiagnostics } from "./zod-issues.ts";

export interface LoadedDocument<T> {
  /** Path as read from the source, used in every diagnostic. */
  readonly file: string;
  /** The validated value; undefined when the file has errors of its own. */
  readonly value: T | undefined;
  /** The plain YAML data before validation, for rules that also look at invalid files; undefined when the YAML did not parse. */
  readonly data: unknown;
  /** Positions of fields, for rules that check the value later; undefined when the YAML did not parse. */
  readonly locator: Locator | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads `file` from `source` and validates it against `schema`. A missing file,
 * and one the source refuses (a link, a folder, a FIFO, too large, not
 * permitted), is an error of that file: the others are still read.
 */
export function loadDocument<S extends z.ZodType>(
  source: FileSource,
  file: string,
  schema: S,
): LoadedDocument<z.output<S>> {
  const { bytes, diagnostic } = readInput(source, file, "file not found");
  if (!bytes) return { file, value: undefined, data: undefined, locator: undefined, diagnostics: [diagnostic] };
  return validateBytes(bytes, file, schema);
}

/** Like loadDocument, for bytes already in hand. */
export function validateBytes<S extends z.ZodType>(
  bytes: Uint8Array,
  file: string,
  schema: S,
): LoadedDocument<z.output<S>> {
  const parsed = parseYaml(bytes, file);
  const { data, locator } = parsed;
  if (!locator) return { file, value: undefined, data: undefined, locator: undefined, diagnostics: parsed.diagnostics };
  const result = schema.safeParse(data, { error: plainMessages });
  if (result.success) return { file, value: result.data, data, locator, diagnostics: parsed.diagnostics };
  const issues = issuesToDiagnostics(result.error.issues, { file, schema, data, locator });
  return { file, value: undefined, data, locator, diagnostics: [...parsed.diagnostics, ...issues] };
}
