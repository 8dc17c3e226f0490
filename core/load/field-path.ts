/** Field paths (["spec", "contract", "pncpId"]) over plain YAML data, and how messages write them. */
import { EXCERPT_LENGTH, printable } from "../printable.ts";

/** Keys and list indexes from the document root to one field. */
export type FieldPath = readonly PropertyKey[];

/** "spec.contract.pncpId", with list indexes as "clusters[1].name"; a key from the file is escaped and cut (core/printable.ts). */
export function dottedPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = printable(String(segment), EXCERPT_LENGTH);
      out += out ? `.${key}` : key;
    }
  }
  return out;
}

/** The value at `path` in plain data, or undefined where the path leaves the data. */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
