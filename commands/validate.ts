/**
 * The work of `sei-infra validate [FILES...]` (its options: cli/validate.ts): checks municipality files, platform.yaml and
 * tiers/ and reports every problem of every file in one run, for people (text),
 * programs (json) or GitHub Actions annotations (github).
 *
 * It also compares the fleet with an earlier revision when there is one: the
 * revision `--base` names, or else git HEAD when the project is a git checkout
 * (core/history/compare.ts: a deployed municipality renamed or gone is an
 * error, a shrinking volume a warning). Without git there is nothing to compare.
 *
 * Runs from any folder of the repository: paths typed are relative to where it
 * runs, and diagnostics name files relative to the repository root. It loads
 * through the fleet's one door (shell/open-fleet.ts readFleet) but goes no
 * further: it reports every diagnostic, so it neither stops on errors nor plans.
 */
import { hasErrors } from "../core/diagnostics.ts";
import { fleetPaths } from "../core/load-fleet.ts";
import type { FileSource } from "../core/source.ts";
import { FORMATS, type DiagnosticFormat } from "../report/formats.ts";
import { differsFromWorkingTree, GitError, gitRevisions } from "../sources/git-revisions.ts";
import type { Io } from "../shell/io.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { readFleet } from "../shell/open-fleet.ts";
import { findProject, isInsideProject, municipalitiesFolder, requireFile } from "../shell/paths.ts";

export interface ValidateArgs {
  /** Municipality files to report on; all files of the folder when empty. */
  readonly files: readonly string[];
  /** As typed, relative to where the command runs. @default the repository's municipalities/ */
  readonly municipalities?: string;
  readonly format: DiagnosticFormat;
  readonly strict: boolean;
  /** Git revision to compare with. @default HEAD, in a git checkout */
  readonly base?: string;
}

/** Validates and writes the report; returns the exit code (0 valid, 1 invalid; usage problems throw UsageError). */
export function runValidate(args: ValidateArgs, io: Io): number {
  const project = findProject(io.cwd);
  const { root } = project;
  const municipalitiesDir = municipalitiesFolder(project, args.municipalities);
  const files = args.files.map((file) => requireFile(project, file, "municipality file"));

  const base = baseRevision(root, municipalitiesDir, args.base);
  const fleet = readFleet({
    project,
    municipalitiesDir,
    ...(files.length > 0 ? { files } : {}),
    strict: args.strict,
    ...(base ? { base } : {}),
  });

  const { diagnostics, checkedFiles } = fleet;
  io.stdout(
    FORMATS.diagnostics[args.format]({ diagnostics, files: checkedFiles, colour: args.format === "text" && io.colour }),
  );
  return hasErrors(diagnostics) ? EXIT.failed : EXIT.ok;
}

/**
 * The revision to compare with: `--base` (an unknown one is a usage error), or
 * HEAD when the municipalities folder is inside the project, the project is a
 * git checkout with a commit, and the fleet's files differ from it (when they
 * do not, there is nothing to find, and one `git diff` is all it costs);
 * else none.
 */
function baseRevision(root: string, municipalitiesDir: string, base: string | undefined): FileSource | undefined {
  const paths = fleetPaths(municipalitiesDir);
  const read = (revision: string) => gitRevisions({ root, revisions: [revision], prefetch: paths })[0];
  if (base !== undefined) {
    try {
      return read(base);
    } catch (error) {
      if (error instanceof GitError) throw new UsageError(`--base: ${error.message}`);
      throw error;
    }
  }
  if (!isInsideProject(municipalitiesDir)) return undefined;
  try {
    return differsFromWorkingTree(root, "HEAD", paths) ? read("HEAD") : undefined;
  } catch (error) {
    if (error instanceof GitError) return undefined;
    throw error;
  }
}
