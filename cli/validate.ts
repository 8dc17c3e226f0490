/**
 * `sei-infra validate [FILES...]`: the options of `validate`;
 * commands/validate.ts does the work.
 */
import { FORMATS } from "../report/formats.ts";
import { runValidate, type ValidateArgs } from "../commands/validate.ts";
import { MUNICIPALITIES_OPTION_HELP } from "../shell/paths.ts";
import type { CommandSpec } from "./command.ts";
import { formatOption } from "./format-option.ts";

export const validate: CommandSpec<ValidateArgs> = {
  name: "validate",
  description:
    "Validate municipality files, platform.yaml and tiers/; every file of the folder counts for the uniqueness rules",
  define: (command) =>
    command
      .argument("[files...]", "municipality files to report on (default: every file in the folder)")
      .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP)
      .addOption(formatOption(FORMATS.diagnostics, "text"))
      .option("--strict", "warnings (population outside the tier's band) become errors", false)
      .option(
        "--base <rev>",
        "git revision to compare with: a deployed municipality renamed or removed is an error, a shrinking volume a warning (default: HEAD in a git checkout)",
      ),
  run: runValidate,
};
