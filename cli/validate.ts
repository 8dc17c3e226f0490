/**
 * `sei-infra validate [FILES...]`: checks municipality files, platform.yaml and
 * tiers/ and reports every problem of every file in one run, for people (text),
 * programs (json) or GitHub Actions annotations (github).
 */
import { hasErrors } from "../core/diagnostics.ts";
import { loadFleet, MUNICIPALITIES_DIR } from "../core/fleet.ts";
import { FORMATS, type DiagnosticFormat } from "../report/formats.ts";
import { workingTree } from "../sources/working-tree.ts";
import type { CommandSpec, Io } from "./command.ts";
import { EXIT } from "./exit.ts";
import { formatOption } from "./format-option.ts";
import { requireDirectory, requireFile, requireProjectRoot } from "./paths.ts";

export interface ValidateArgs {
  /** Municipality files to report on; all files of the folder when empty. */
  readonly files: readonly string[];
  readonly municipalities: string;
  readonly format: DiagnosticFormat;
  readonly strict: boolean;
}

export const validate: CommandSpec<ValidateArgs> = {
  name: "validate",
  description: "Validate municipality files, platform.yaml and tiers/; every file of the folder counts for the uniqueness rules",
  define: (command) =>
    command
      .argument("[files...]", "municipality files to report on (default: every file in the folder)")
      .option("--municipalities <dir>", "folder of the municipality files", MUNICIPALITIES_DIR)
      .addOption(formatOption(FORMATS.diagnostics, "text"))
      .option("--strict", "warnings (population outside the tier's band) become errors", false),
  run: runValidate,
};

/** Validates and writes the report; returns the exit code (0 valid, 1 invalid; usage problems throw UsageError). */
export function runValidate(args: ValidateArgs, io: Io): number {
  const root = io.cwd;
  requireProjectRoot(root);
  const municipalitiesDir = requireDirectory(root, args.municipalities, "municipalities folder");
  const files = args.files.map((file) => requireFile(root, file, "municipality file"));

  const fleet = loadFleet({
    source: workingTree(root),
    municipalitiesDir,
    ...(files.length > 0 ? { files } : {}),
    strict: args.strict,
  });

  const { diagnostics, checkedFiles } = fleet;
  io.stdout(FORMATS.diagnostics[args.format]({ diagnostics, files: checkedFiles, colour: args.format === "text" && io.colour }));
  return hasErrors(diagnostics) ? EXIT.invalid : EXIT.ok;
}
