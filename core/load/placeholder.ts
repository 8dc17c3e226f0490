/**
 * Placeholders: values `sei-infra new` writes for fields it cannot know (the
 * contract number, the signing date, the team), tagged `!placeholder` so they
 * are marked in the data itself, not only in a comment. The tag reads as the
 * plain value (the schema checks it like any other), and the loader records
 * where each tagged value is; core/rules/placeholders.ts refuses them once the
 * phase is past contracted.
 *
 * The fast reader (core/load/fast-yaml.ts) never reads a tagged file: js-yaml
 * refuses unknown tags, so such a file is always read by `yaml`, here.
 */
import { isMap, isScalar, isSeq, type Document, type ScalarTag } from "yaml";
import type { FieldPath } from "./field-path.ts";

export const PLACEHOLDER_TAG = "!placeholder";

/** The tag for `yaml`'s customTags: the tagged text is the value, as if untagged and quoted. */
export const placeholderTag: ScalarTag = { tag: PLACEHOLDER_TAG, resolve: (text) => text };

/** The paths of the values tagged !placeholder, in document order. */
export function placeholderPaths(document: Document): FieldPath[] {
  const paths: FieldPath[] = [];
  const walk = (node: unknown, path: FieldPath) => {
    if (isScalar(node)) {
      if (node.tag === PLACEHOLDER_TAG) paths.push(path);
    } else if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : ""]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    }
  };
  walk(document.contents, []);
  return paths;
}
