/**
 * Maps a field path (["spec", "contract", "pncpId"]) to a line and column in
 * the YAML source, so every problem found on parsed data can point back at the
 * text a person edits.
 */
import type { FieldPath } from "./field-path.ts";
import { placeholderPaths } from "./placeholder.ts";
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";

export interface Position {
  /** 1-based */
  readonly line: number;
  /** 1-based, in characters */
  readonly column: number;
}

/** The part of a field a diagnostic points at: its key (an unknown key) or its value. */
export type FieldPart = "key" | "value";

/** Positions of fields in one parsed document. */
export interface Locator {
  /**
   * Where the value at `path` starts. When the field is missing, where its
   * nearest existing parent field is written (its key), so "is required"
   * points at the mapping that lacks it.
   */
  value(path: FieldPath): Position;
  /** Where the key of the field at `path` is written (for unknown keys); falls back like `value`. */
  key(path: FieldPath): Position;
  /** The fields whose value is tagged !placeholder (core/load/placeholder.ts). */
  placeholders(): readonly FieldPath[];
}

const START: Position = { line: 1, column: 1 };

export function createLocator(document: Document, lineCounter: LineCounter): Locator {
  const at = (offset: number | undefined): Position => {
    if (offset === undefined) return START;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const find = (path: FieldPath, want: FieldPart): Position => {
    let node: unknown = document.contents;
    let parentPair: Pair | undefined;
    for (const [index, segment] of path.entries()) {
      if (isAlias(node)) node = node.resolve(document);
      const last = index === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(segment));
        if (!pair) return missing(node, parentPair);
        if (last && want === "key") return at(rangeStart(pair.key) ?? rangeStart(pair.value));
        parentPair = pair;
        node = pair.value;
        // "key:" with nothing after it: the key is the only text there is.
        if (node === null || node === undefined) return at(rangeStart(pair.key));
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) return missing(node, parentPair);
        node = isPair(item) ? item.value : item;
        parentPair = undefined;
      } else {
        return missing(node, parentPair);
      }
    }
    return at(rangeStart(node));
  };

  const missing = (container: unknown, parentPair: Pair | undefined): Position =>
    parentPair ? at(rangeStart(parentPair.key)) : at(rangeStart(container));

  let placeholders: readonly FieldPath[] | undefined;
  return {
    value: (path) => find(path, "value"),
    key: (path) => find(path, "key"),
    placeholders: () => (placeholders ??= placeholderPaths(document)),
  };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
