/**
 * `sei-infra restore NAME --set YYYY-MM-DD | --to TIME | --list`: the command line of a restore;
 * restore/procedure.ts does the work (docs/restore.md).
 */
import { DURATION_HINT } from "../shell/duration.ts";
import { MUNICIPALITIES_OPTION_HELP, MUNICIPALITY_ARGUMENT_HELP } from "../shell/paths.ts";
import { runRestore, type RestoreOptions } from "../restore/procedure.ts";
import type { CommandSpec } from "./command.ts";

export const restore: CommandSpec<RestoreOptions> = {
  name: "restore",
  description:
    "restore a nightly set of the backup volume, or a point in time from the backup store, into a production instance whose databases and document repository are empty (docs/restore.md)",
  define: (command) =>
    command
      .argument("<name>", MUNICIPALITY_ARGUMENT_HELP)
      .option("--set <date>", "the backup set, YYYY-MM-DD (the day it was written; --list shows them)")
      .option(
        "--to <time>",
        "the point in time to restore from the backup store, to the second with its offset: 2026-12-07T10:15:00-03:00 (--list shows the range)",
      )
      .option(
        "--list",
        "list what can be restored (the store's nightly dumps, document snapshots and the range of --to; the volume's sets) with sizes and dates, and change nothing",
        false,
      )
      .option("--dry-run", "run every check and show what would happen, and stop nothing", false)
      .option("--yes", "restore without a prompt (required when there is no terminal)", false)
      .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP)
      .option(
        "--timeout <duration>",
        `how long the restore Job may run and the command waits for it (${DURATION_HINT}); default: the plan's restore deadline, six hours or as long as the instance's database and documents take to restore (docs/restore.md); a shorter one is the operator's choice`,
      ),
  run: runRestore,
};
