export { loadDocument, validateBytes, type LoadedDocument } from "./load-document.ts";
export { MAX_ALIASES, MAX_FILE_BYTES, tooLarge } from "./limits.ts";
export type { Locator, Position } from "./locate.ts";
export { closest, didYouMean } from "./suggest.ts";
export { dottedPath, valueAt, type FieldPath } from "./field-path.ts";
export { PLACEHOLDER_TAG } from "./placeholder.ts";
