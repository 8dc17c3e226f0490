/**
 * Where a restore's backup sets come from, and what it checks before it stops
 * anything. Today the sets are on the instance's own backup volume
 * (volume-source.ts reads them with a read-only Job); off-site copies (issue
 * 19) are another BackupSource, and `restore --list` and the checks read only
 * this interface.
 */
import { plural } from "../report/plural.ts";

/** One backup set: the databases' dumps and the document repository of one night. */
export interface BackupSet {
  /** Its date, YYYY-MM-DD: the day the backup wrote it. */
  readonly name: string;
  readonly bytes: number;
  readonly writtenAt: Date;
  /** What makes it unusable ("sei.sql.gz is missing"), or "" when it can be restored. */
  readonly problem: string;
}

export interface BackupSource {
  /** Where the sets are, for messages: "the backup volume sei-backups of namespace sei-tiradentes". */
  readonly where: string;
  /** Every set, newest first. */
  list(): Promise<readonly BackupSet[]>;
  /** The set checked in depth (its dumps read whole), with every set for a message; undefined when there is none. */
  check(name: string): Promise<{ readonly set: BackupSet | undefined; readonly all: readonly BackupSet[] }>;
}

/**
 * What the restore would write into: it must hold nothing (a restore never
 * overwrites). It is read in the cluster whatever the source: today by the same
 * read-only Job that reads the volume's sets (volume-source.ts), which reports
 * the target with no set named too.
 */
export interface TargetState {
  /** The database answers. */
  readonly reachable: boolean;
  /** How many of the two databases (sei, sip) exist: the database pod's init script makes both. */
  readonly databases: number;
  readonly tables: number;
  /** Entries at the top of the document repository, lost+found aside. */
  readonly documentEntries: number;
}

/** Why the target cannot take a restore, one reason a line; empty when it can. */
export function targetProblems(target: TargetState, databases: readonly string[]): string[] {
  const names = databases.join(" and ");
  if (!target.reachable) return ["the database does not answer: it must run for a restore (kubectl get pods)"];
  const problems: string[] = [];
  if (target.databases < databases.length)
    problems.push(`${names} do not both exist: the database pod's init script creates them with their users`);
  if (target.tables > 0)
    problems.push(
      `${names} hold ${plural(target.tables, "table")}: a restore never overwrites data (docs/restore.md says how to set the current data aside first)`,
    );
  if (target.documentEntries > 0)
    problems.push(
      `the document repository holds ${plural(target.documentEntries, "entry", "entries")}: a restore never overwrites documents (set them aside first)`,
    );
  return problems;
}
