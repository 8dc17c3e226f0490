/**
 * Plain-language messages for zod's built-in checks ("must be a whole number,
 * not the text "abc""), used wherever a schema does not set its own message.
 * Passed per parse, so schema-level messages still win.
 */
import type { z } from "zod";
import { quoted } from "../printable.ts";

export const plainMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${typeName(issue.expected)}, not ${describe(issue.input)}`;
    case "too_small":
      return bound("at least", "more than", issue.origin, issue.minimum, issue.inclusive);
    case "too_big":
      return bound("at most", "less than", issue.origin, issue.maximum, issue.inclusive);
    case "invalid_value":
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, not ${describe(issue.input)}`;
    case "invalid_format":
      return issue.format === "regex"
        ? `has the wrong format (must match ${issue.pattern ?? "the pattern"})`
        : `must be a valid ${issue.format}`;
    case "invalid_union":
      return "options" in issue && Array.isArray(issue.options)
        ? `must be one of ${issue.options.map((o: unknown) => JSON.stringify(o)).join(", ")}, not ${describe(issue.input)}`
        : `does not match any of the allowed forms`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => quoted(k)).join(", ")}`;
    default:
      return undefined;
  }
};

function typeName(expected: string): string {
  switch (expected) {
    case "object":
      return "a mapping of fields";
    case "array":
      return "a list";
    case "string":
      return "text";
    case "int":
      return "a whole number";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    default:
      return expected;
  }
}

/** How a YAML value reads to a person: `the text "abc"`, `the number 3`, `a list`. */
export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "empty (null)";
  if (typeof value === "string") return `the text ${quoted(value)}`;
  if (typeof value === "number") return Number.isInteger(value) ? `the whole number ${value}` : `the number ${value}`;
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

function bound(
  words: string,
  strictWords: string,
  origin: string,
  limit: unknown,
  inclusive: boolean | undefined,
): string {
  const n = String(limit);
  switch (origin) {
    case "string":
      return words === "at least" && n === "1" ? "must not be empty" : `must be ${words} ${n} characters long`;
    case "array":
    case "set":
      return `must have ${words} ${n} item${n === "1" ? "" : "s"}`;
    default:
      return `must be ${inclusive === false ? strictWords : words} ${n}`;
  }
}
