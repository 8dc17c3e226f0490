/**
 * The one edit `sei-infra backups migrate-claim` makes to a municipality file:
 * `spec.legacyBackupVolume: true` becomes `migrated` (docs/backups.md,
 * "Existing backup claims"), in place, every other byte kept (comments,
 * layout). Checked before anything runs, and again on the result: the file
 * must hold the mark as `true`, and the edited file must parse to the same
 * document but that one value.
 */
import { isDeepStrictEqual } from "node:util";
import { isScalar, parseDocument } from "yaml";

export class MarkError extends Error {}

/** The file's text with the mark changed; a MarkError (with line and column) when it does not say `true`. */
export function markMigrated(file: string, text: string): string {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new MarkError(`${file}: ${document.errors[0]!.message}`);
  const node = document.getIn(["spec", "legacyBackupVolume"], true);
  const where = (offset: number) => {
    const before = text.slice(0, offset).split("\n");
    return `${file}:${before.length}:${before.at(-1)!.length + 1}`;
  };
  if (!isScalar(node) || !node.range)
    throw new MarkError(
      `${file}: spec.legacyBackupVolume is not set: the instance has no backup claim to migrate (docs/backups.md, "Existing backup claims")`,
    );
  if (node.value === "migrated")
    throw new MarkError(`${where(node.range[0])} spec.legacyBackupVolume: already migrated: nothing to do`);
  if (node.value !== true)
    throw new MarkError(
      `${where(node.range[0])} spec.legacyBackupVolume: is ${JSON.stringify(node.value)}, not true: the instance keeps no claim to migrate`,
    );
  const edited = `${text.slice(0, node.range[0])}migrated${text.slice(node.range[1])}`;
  const before = document.toJS() as { spec: Record<string, unknown> };
  const after = parseDocument(edited).toJS() as { spec: Record<string, unknown> };
  if (!isDeepStrictEqual(after, { ...before, spec: { ...before.spec, legacyBackupVolume: "migrated" } }))
    throw new MarkError(
      `${where(node.range[0])} spec.legacyBackupVolume: cannot be changed in place; write migrated by hand`,
    );
  return edited;
}
