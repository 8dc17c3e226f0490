/**
 * A fleet rule: one check across the loaded files that a schema cannot make
 * alone (it needs another field, another file, the tiers, platform.yaml or the
 * official IBGE list). Rules only read; each returns positioned diagnostics.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { OfficialList } from "../ibge.ts";
import type { FieldPath } from "../load/field-path.ts";
import type { FieldPart, Locator } from "../load/locate.ts";
import { dottedPath } from "../load/field-path.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";

/** A file whose own content is valid, with the positions of its fields. */
export interface Located<T> {
  readonly file: string;
  readonly value: T;
  readonly locator: Locator;
}

/** Everything the rules may look at. Files with errors of their own are absent, except from `drafts`. */
export interface FleetFacts {
  readonly platform: Located<Platform> | undefined;
  readonly tiers: readonly Located<Tier>[];
  readonly municipalities: readonly Located<Municipality>[];
  /**
   * Every municipality file that is readable YAML, valid or not, as plain data.
   * Uniqueness is checked on these: a duplicate domain must not hide behind an
   * unrelated typo in the other file.
   */
  readonly drafts: readonly Located<unknown>[];
  readonly officialList: OfficialList | undefined;
}

export interface FleetRule {
  /** Stable id, used in tests and docs ("unique-domain"). */
  readonly id: string;
  /** What the rule guarantees, in one sentence. */
  readonly description: string;
  check(facts: FleetFacts): Diagnostic[];
}

export interface Finding {
  readonly path: FieldPath;
  readonly message: string;
  /** @default "error" */
  readonly severity?: Diagnostic["severity"];
  /** Point at the key instead of the value. @default "value" */
  readonly at?: FieldPart;
}

/** A diagnostic on `doc` at the field `path`. */
export function finding(
  doc: Located<unknown>,
  { path, message, severity = "error", at = "value" }: Finding,
): Diagnostic {
  const position = at === "key" ? doc.locator.key(path) : doc.locator.value(path);
  return { severity, file: doc.file, line: position.line, column: position.column, path: dottedPath(path), message };
}

/** "file:line", for messages that name a second file. */
export function where(doc: Located<unknown>, path: FieldPath): string {
  return `${doc.file}:${doc.locator.value(path).line}`;
}
