/**
 * `sei-infra capacity`: the options of `capacity`; commands/capacity.ts does
 * the work.
 */
import { FORMATS } from "../report/formats.ts";
import { runCapacity, type CapacityArgs } from "../commands/capacity.ts";
import { MUNICIPALITIES_OPTION_HELP } from "../shell/paths.ts";
import type { CommandSpec } from "./command.ts";
import { formatOption } from "./format-option.ts";

export const capacity: CommandSpec<CapacityArgs> = {
  name: "capacity",
  description:
    "CPU, memory and storage per municipality, tier and cluster; with --base, what the change since that revision costs",
  define: (command) =>
    command
      .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP)
      .addOption(formatOption(FORMATS.capacity, "text"))
      .option("--base <rev>", "git revision to compare against (e.g. origin/main)")
      .option("--head <rev>", "git revision to compare (default: the working tree); needs --base")
      .option("--output <file>", "write the report to this file instead of standard output")
      .option("--chart <file.svg>", "also draw requested CPU, memory and storage per tier as a self-contained SVG"),
  run: runCapacity,
};
