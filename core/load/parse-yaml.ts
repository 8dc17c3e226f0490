/**
 * Bytes → one YAML document with source positions, or clear diagnostics.
 *
 * Every way a file can be unreadable (too large, not UTF-8, empty, several
 * documents, duplicate keys, too many aliases, syntax errors, nesting deep
 * enough to exhaust the stack) becomes a positioned error here, never an
 * exception: one bad file must not stop the validation of 852 others.
 *
 * Two parsers, one meaning: js-yaml reads every file first, without positions
 * (core/load/fast-yaml.ts, which says when and why), and the `yaml` package
 * builds its positioned document only when a position is needed (a schema or
 * rule problem), or when the fast reader declines the file; then `yaml`
 * decides and reports.
 */
import {
  LineCounter,
  parseAllDocuments,
  parseDocument,
  visit,
  type Document,
  type YAMLError,
  type YAMLWarning,
} from "yaml";
import { fileDiagnostic, type Diagnostic } from "../diagnostics.ts";
import { MAX_ALIASES, MAX_FILE_BYTES, tooLarge } from "./limits.ts";
import { placeholderTag } from "./placeholder.ts";
import { createLocator, type Locator, type Position } from "./locate.ts";
import { bytePosition, firstInvalidUtf8Byte } from "./utf8.ts";
import { readFast } from "./fast-yaml.ts";
import { EXCERPT_LENGTH, printable } from "../printable.ts";

/** yaml's own messages are short; one that quotes the source is cut here. */
const YAML_MESSAGE_LENGTH = 200;

export interface ParsedYaml {
  /** Plain data of the document; undefined when the file could not be parsed. */
  readonly data: unknown;
  /** Positions of fields; undefined when the file could not be parsed. */
  readonly locator: Locator | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

export function parseYaml(bytes: Uint8Array, file: string): ParsedYaml {
  const diagnostics: Diagnostic[] = [];
  const fail = failure(file, diagnostics);

  if (bytes.length > MAX_FILE_BYTES) return fail(tooLarge(bytes.length));
  if (bytes.length === 0) return fail("file is empty");
  const invalid = firstInvalidUtf8Byte(bytes);
  if (invalid >= 0) {
    const byte = bytes[invalid]!.toString(16).toUpperCase().padStart(2, "0");
    return fail(
      `byte 0x${byte} is not valid UTF-8; save the file as UTF-8 (an editor using Latin-1 or Windows-1252 writes accents this way)`,
      bytePosition(bytes, invalid),
    );
  }

  const text = new TextDecoder("utf-8").decode(bytes);
  const data = readFast(text);
  if (data !== undefined) return { data, locator: lazyLocator(text), diagnostics };
  return readWithPositions(text, file);
}

/** Builds the `yaml` document of `text` on first use. */
function lazyLocator(text: string): Locator {
  let locator: Locator | undefined;
  const get = () => {
    if (!locator) {
      const lineCounter = new LineCounter();
      locator = createLocator(parseDocument(text, { lineCounter, customTags: [placeholderTag] }), lineCounter);
    }
    return locator;
  };
  // The fast reader refuses tagged files (core/load/placeholder.ts): a file it read has no placeholders.
  return { value: (path) => get().value(path), key: (path) => get().key(path), placeholders: () => [] };
}

/** The `yaml` reading, with every problem positioned; the authority when js-yaml refuses a file. */
function readWithPositions(text: string, file: string): ParsedYaml {
  const diagnostics: Diagnostic[] = [];
  const fail = failure(file, diagnostics);
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  let documents: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      customTags: [placeholderTag],
    });
    documents = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    return fail(`could not be read as YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }

  const [document, second] = documents;
  if (!document) return fail("file has no content (only blank lines or comments)");
  if (second) {
    return fail(
      `file holds ${documents.length} YAML documents; it must hold exactly one (remove the "---" separator and what follows it)`,
      at(second.range[0]),
    );
  }

  for (const error of document.errors) {
    diagnostics.push({
      severity: "error",
      file,
      ...at(error.pos[0]),
      path: "",
      message: yamlErrorMessage(error, text),
    });
  }
  for (const warning of document.warnings) {
    diagnostics.push({
      severity: "warning",
      file,
      ...at(warning.pos[0]),
      path: "",
      message: yamlErrorMessage(warning, text),
    });
  }
  if (document.errors.length > 0) return { data: undefined, locator: undefined, diagnostics };
  if (document.contents === null) return fail("file has no content (only blank lines or comments)");

  let aliases = 0;
  let tooMany: Position | undefined;
  visit(document, {
    Alias(_key, node) {
      aliases++;
      if (aliases > MAX_ALIASES && !tooMany) {
        tooMany = node.range ? at(node.range[0]) : undefined;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (tooMany) {
    return fail(`file uses more than ${MAX_ALIASES} YAML aliases (*name); write the values out instead`, tooMany);
  }

  try {
    // The alias limit above already holds; maxAliasCount is a second guard on expansion.
    const data: unknown = document.toJS({ maxAliasCount: MAX_ALIASES * 10 });
    return { data, locator: createLocator(document, lineCounter), diagnostics };
  } catch (error) {
    return fail(`could not be read as YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
}

/** Records an error that stops the reading (positioned when `at` is known) and returns the failed result. */
function failure(file: string, diagnostics: Diagnostic[]) {
  return (message: string, at?: Position): ParsedYaml => {
    diagnostics.push(fileDiagnostic(file, message, at ? { at } : {}));
    return { data: undefined, locator: undefined, diagnostics };
  };
}

/** yaml's messages, in plainer words for the common cases. */
function yamlErrorMessage(error: YAMLError | YAMLWarning, text: string): string {
  switch (error.code) {
    case "DUPLICATE_KEY":
      return `key ${keyAt(text, error.pos[0])} appears more than once in the same mapping`;
    case "TAB_AS_INDENT":
      return "tabs are not allowed for indentation in YAML; indent with spaces";
    case "RESOURCE_EXHAUSTION":
      return "the YAML is nested too deeply to read";
    case "TAG_RESOLVE_FAILED":
      return `${firstLine(error.message)} (these files use no YAML tags)`;
    default:
      return `YAML syntax: ${firstLine(error.message)}`;
  }
}

/** The key written at `offset` (yaml marks only its first character), quoted for a message, cut like any excerpt. */
function keyAt(text: string, offset: number): string {
  const key =
    /^("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:\n]*?)\s*:/.exec(text.slice(offset))?.[1] ?? text.slice(offset, offset + 1);
  return printable(/^["']/.test(key) ? key : `"${key}"`, EXCERPT_LENGTH);
}

/**
 * The message without yaml's " at line L, column C" suffix and source excerpt
 * (we report positions ourselves); cut, since some messages quote the source
 * (an unresolved tag).
 */
function firstLine(message: string): string {
  return printable(message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""), YAML_MESSAGE_LENGTH);
}
