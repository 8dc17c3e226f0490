/**
 * `sei-infra restore NAME --set YYYY-MM-DD`: the command line of a restore;
 * restore/procedure.ts does the work (docs/restore.md).
 */
import { DURATION_HINT } from "../shell/duration.ts";
import { MUNICIPALITIES_OPTION_HELP } from "../shell/paths.ts";
import { runRestore, type RestoreOptions } from "../restore/procedure.ts";
import type { CommandSpec } from "./command.ts";

export const restore: CommandSpec<RestoreOptions> = {
  name: "restore",
  description:
    "restore one backup set into a production instance whose databases and document repository are empty (docs/restore.md)",
  define: (command) =>
    command
      .argument("<name>", "the municipality (its file name without .yaml)")
      .option("--set <date>", "the backup set, YYYY-MM-DD (the day it was written; --list shows them)")
      .option("--list", "list the backup sets with their sizes and dates, and change nothing", false)
      .option("--dry-run", "run every check and show what would happen, and stop nothing", false)
      .option("--yes", "restore without a prompt (required when there is no terminal)", false)
      .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP)
      .option("--timeout <duration>", `how long the restore Job may run (${DURATION_HINT})`, "6h"),
  run: runRestore,
};
