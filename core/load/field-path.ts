/** Field paths (["spec", "contract", "pncpId"]) over plain YAML data, and how messages write them. */
import type { FieldPath } from "./locate.ts";

/** "spec.contract.pncpId", with list indexes as "clusters[1].name". */
export function dottedPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
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
