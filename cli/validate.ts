/**
 * `sei-infra validate [FILES...]`: checks municipality files, platform.yaml and
 * tiers/ and reports every problem of every file in one run, for people (text),
 * programs (json) or GitHub Actions annotations (github).
 */
import { Option, type Command } from "commander";
import { hasErrors } from "../core/diagnostics.ts";
import { loadFleet, MUNICIPALITIES_DIR } from "../core/fleet.ts";
import { formatGithub, formatJson, formatText } from "../report/diagnostics/index.ts";
import { workingTree } from "../sources/working-tree.ts";
import { EXIT } from "./exit.ts";
import { requireDirectory, requireFile, requireProjectRoot } from "./paths.ts";

export const FORMATS = ["text", "json", "github"] as const;
export type Format = (typeof FORMATS)[number];

export interface ValidateOptions {
  /** Folder with platform.yaml and tiers/; paths are relative to it. */
  readonly root: string;
  /** Municipality files to report on; all files of the folder when empty. */
  readonly files: readonly string[];
  readonly municipalities: string;
  readonly format: Format;
  readonly strict: boolean;
  /** Colour the text format. */
  readonly colour: boolean;
  readonly write: (text: string) => void;
}

/** Validates and writes the report; returns the exit code (0 valid, 1 invalid; usage problems throw UsageError). */
export function runValidate(options: ValidateOptions): number {
  const { root } = options;
  requireProjectRoot(root);
  const municipalitiesDir = requireDirectory(root, options.municipalities, "municipalities folder");
  const files = options.files.map((file) => requireFile(root, file, "municipality file"));

  const fleet = loadFleet({
    source: workingTree(root),
    municipalitiesDir,
    ...(files.length > 0 ? { files } : {}),
    strict: options.strict,
  });

  const { diagnostics, checkedFiles } = fleet;
  switch (options.format) {
    case "json":
      options.write(formatJson(diagnostics, checkedFiles));
      break;
    case "github":
      options.write(formatGithub(diagnostics, checkedFiles.length));
      break;
    case "text":
      options.write(formatText(diagnostics, { colour: options.colour, fileCount: checkedFiles.length }));
      break;
  }
  return hasErrors(diagnostics) ? EXIT.invalid : EXIT.ok;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("Validate municipality files, platform.yaml and tiers/; every file of the folder counts for the uniqueness rules")
    .argument("[files...]", "municipality files to report on (default: every file in the folder)")
    .option("--municipalities <dir>", "folder of the municipality files", MUNICIPALITIES_DIR)
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--strict", "warnings (population outside the tier's band) become errors", false)
    .action((files: string[], opts: { municipalities: string; format: Format; strict: boolean }) => {
      process.exitCode = runValidate({
        root: process.cwd(),
        files,
        municipalities: opts.municipalities,
        format: opts.format,
        strict: opts.strict,
        colour: opts.format === "text" && process.stdout.isTTY === true && process.stdout.hasColors(),
        write: (text) => process.stdout.write(text),
      });
    });
}
