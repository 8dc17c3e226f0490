/**
 * What "the same data" means for the backup and restore tests: MariaDB's
 * CHECKSUM TABLE of every table of the given databases (row contents, not
 * storage), and the sha256 of every file of a document tree by relative path.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mapFiles } from "./file-tree.ts";

/** `schema.table` → checksum. `query` runs SQL as an administrator and returns tab-separated rows. */
export async function tableChecksums(
  query: (sql: string) => string | Promise<string>,
  databases: readonly string[],
): Promise<Record<string, string>> {
  const names = (
    await query(
      `SELECT CONCAT(table_schema, '.', table_name) FROM information_schema.tables WHERE table_schema IN (${databases.map((d) => `'${d}'`).join(", ")}) ORDER BY 1`,
    )
  )
    .split("\n")
    .filter(Boolean);
  if (names.length === 0) return {};
  return Object.fromEntries(
    (
      await query(
        `CHECKSUM TABLE ${names
          .map((n) =>
            n
              .split(".")
              .map((p) => `\`${p}\``)
              .join("."),
          )
          .join(", ")} EXTENDED`,
      )
    )
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t") as [string, string]),
  );
}

/** Relative path → sha256 of every file under `root`. */
export function documentTree(root: string): Record<string, string> {
  return mapFiles(root, (path) => createHash("sha256").update(readFileSync(path)).digest("hex"));
}
