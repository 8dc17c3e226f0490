/** A backup set is named by the day it was written: a real calendar date, checked before anything is read. */
import { isRealDate } from "../core/schema/fields.ts";
import { UsageError } from "../shell/exit.ts";

/** `--set` as typed; throws UsageError unless it names a set (YYYY-MM-DD, a real date). */
export function requireSetName(set: string | undefined): string {
  if (set === undefined) throw new UsageError("--set YYYY-MM-DD names the set to restore (--list shows them)");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(set))
    throw new UsageError(`--set ${set}: a backup set is named by its date, YYYY-MM-DD`);
  if (!isRealDate(set))
    throw new UsageError(
      `--set ${set}: not a real calendar date (${dateFault(set)}); a backup set is named by the day it was written, YYYY-MM-DD`,
    );
  return set;
}

function dateFault(set: string): string {
  const [, month = 0] = set.split("-").map(Number);
  return month < 1 || month > 12 ? `there is no month ${month}` : "that month has no such day";
}
