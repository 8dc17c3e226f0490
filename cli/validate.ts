/** `sei-infra validate`: checks municipality files (and platform/tier files) for CI and people. */
import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("validate")
    .description("Validate municipality files, platform.yaml and tiers/ (the whole folder counts for uniqueness rules)")
    .argument("[files...]", "municipality files to report on (default: every file in the folder)")
    .option("--municipalities <dir>", "folder of the municipality files", "municipalities")
    .option("--format <format>", "text | json | github", "text")
    .option("--strict", "warnings become errors", false)
    .action(() => {
      throw new Error("validate: not implemented yet");
    });
}
