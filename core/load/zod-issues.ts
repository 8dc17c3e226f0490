/**
 * zod issues → positioned diagnostics. Unknown keys point at the key and
 * suggest the closest allowed one; missing fields say "is required" whatever
 * message the schema gave for a wrong value; one message per field.
 */
import type { z } from "zod";
import type { Diagnostic } from "../diagnostics.ts";
import { dottedPath, valueAt } from "./field-path.ts";
import { knownKeys } from "./known-keys.ts";
import type { FieldPath } from "./field-path.ts";
import type { FieldPart, Locator } from "./locate.ts";
import { closest } from "./suggest.ts";
import { codePointName, EXCERPT_LENGTH, quoted, quotedAscii } from "../printable.ts";

export interface IssueContext {
  readonly file: string;
  readonly schema: z.core.$ZodType;
  readonly data: unknown;
  readonly locator: Locator;
}

export function issuesToDiagnostics(issues: readonly z.core.$ZodIssue[], context: IssueContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const push = (path: FieldPath, message: string, target: FieldPart) => {
    const dotted = dottedPath(path);
    // zod runs every check of a field; the first failure is the one worth reading.
    if (reported.has(dotted)) return;
    reported.add(dotted);
    const at = target === "key" ? context.locator.key(path) : context.locator.value(path);
    diagnostics.push({
      severity: "error",
      file: context.file,
      line: at.line,
      column: at.column,
      path: dotted,
      message,
    });
  };

  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = knownKeys(context.schema, issue.path, context.data);
      const present = new Set(Object.keys(objectAt(context.data, issue.path) ?? {}));
      // Suggest only keys not already written, so "tier" is not offered twice.
      const free = allowed.filter((key) => !present.has(key));
      for (const key of issue.keys) push([...issue.path, key], unknownField(key, allowed, free), "key");
    } else if (isMissing(context.data, issue.path)) {
      // zod reports a missing field as a wrong type or a wrong enum value; say what it is.
      push(issue.path, "is required", "value");
    } else {
      push(issue.path, issue.message, "value");
    }
  }
  return diagnostics;
}

/**
 * Why a key is unknown, and what to write instead. Field names are plain
 * ASCII: a key with any other character (a Cyrillic "і" in "tіer") is shown
 * with that character escaped and named, so it does not read as the very key
 * it imitates. A key too long to be a field name is not repeated (the field
 * path shows its start) and gets no suggestion.
 */
function unknownField(key: string, allowed: readonly string[], free: readonly string[]): string {
  const list = `allowed here: ${allowed.join(", ")}`;
  if (key.length > EXCERPT_LENGTH)
    return `unknown field, ${[...key].length} characters long (the field path shows its start); ${list}`;
  const match = closest(key, free);
  const hint = match ? `did you mean "${match}"?` : list;
  const foreign = [...new Set(key.match(/[^\x20-\x7e]/gu) ?? [])];
  if (foreign.length === 0) return `unknown field ${quoted(key)}; ${hint}`;
  const which = foreign.slice(0, 3).map(codePointName).join(", ") + (foreign.length > 3 ? ", …" : "");
  const what = foreign.length > 1 ? "not printable ASCII characters" : "not a printable ASCII character";
  return `unknown field ${quotedAscii(key)}: it has ${which}, ${what}, and field names are plain ASCII; ${hint}`;
}

function objectAt(data: unknown, path: FieldPath): object | undefined {
  const value = valueAt(data, path);
  return typeof value === "object" && value !== null ? value : undefined;
}

function isMissing(data: unknown, path: FieldPath): boolean {
  if (path.length === 0) return data === undefined;
  const parent = objectAt(data, path.slice(0, -1));
  return parent !== undefined && !Object.hasOwn(parent, path[path.length - 1]!);
}
