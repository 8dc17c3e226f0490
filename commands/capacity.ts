/**
 * The work of `sei-infra capacity` (its options: cli/capacity.ts): what the fleet asks of its clusters, and with --base
 * what a change costs. Old revisions are read from git as data; the code that
 * resolves both revisions is the one checked out now. Runs from any folder of
 * the repository; --output and --chart are relative to where it runs.
 *
 * Exit codes (shell/exit.ts): 0 ok (warnings allowed); 1 invalid input files or
 * a rule error (a volume shrinks, a change overcommits a cluster); 2 usage, I/O
 * or git error (an unknown revision).
 */
import { resolve as resolvePath } from "node:path";
import type { CapacityResult } from "../core/capacity/analyse.ts";
import { analyseChange, analyseFleet } from "../core/capacity/analyse.ts";
import { positionDiagnostics } from "../core/capacity/positions.ts";
import type { Snapshot } from "../core/capacity/snapshot.ts";
import { snapshotOf } from "../core/capacity/snapshot.ts";
import { hasErrors } from "../core/diagnostics.ts";
import { fleetPaths, type DocumentCache } from "../core/load-fleet.ts";
import type { FileSource } from "../core/source.ts";
import { renderChart } from "../report/capacity/chart.ts";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { FORMATS, type CapacityFormat } from "../report/formats.ts";
import { GitError, gitRevisions } from "../sources/git-revisions.ts";
import { workingTree } from "../sources/working-tree.ts";
import type { Io } from "../shell/io.ts";
import { EXIT, UsageError } from "../shell/exit.ts";
import { usageLine } from "../shell/guard.ts";
import { NOTHING } from "../shell/messages.ts";
import { loadValidFleet, type OpenFleetOptions } from "../shell/open-fleet.ts";
import { writeOutput } from "../shell/output-file.ts";
import { findProject, isInsideProject, municipalitiesFolder } from "../shell/paths.ts";

export interface CapacityArgs {
  /** As typed, relative to where the command runs. @default the repository's municipalities/ */
  readonly municipalities?: string;
  readonly format: CapacityFormat;
  readonly base?: string;
  readonly head?: string;
  readonly output?: string;
  readonly chart?: string;
}

/** Runs the command and returns the exit code. */
export function runCapacity(args: CapacityArgs, io: Io): number {
  const { cwd } = io;
  try {
    const result = analyse(args, io);
    if (!result) return EXIT.failed;
    for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    const text = FORMATS.capacity[args.format](result);
    // Named by their full path in a refusal: --output is relative to where the command runs, from any folder.
    if (args.output) writeOutput(cwd, resolvePath(cwd, args.output), text);
    else io.stdout(text);
    if (args.chart) writeOutput(cwd, resolvePath(cwd, args.chart), renderChart(result));
    return hasErrors(result.diagnostics) ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError || error instanceof GitError) {
      io.stderr(usageLine("capacity", error.message));
      return EXIT.usage;
    }
    throw error;
  }
}

/** The result, or undefined when an input file is invalid (its diagnostics are printed). */
function analyse(options: CapacityArgs, { cwd, stderr }: Io): CapacityResult | undefined {
  const project = findProject(cwd);
  const { root } = project;
  const dir = municipalitiesFolder(project, options.municipalities);
  // Git paths cannot leave the project: the folder must be inside it.
  if (!isInsideProject(dir))
    throw new UsageError(`--municipalities ${options.municipalities ?? dir}: the folder must be inside ${root}`);
  if (options.head !== undefined && options.base === undefined) throw new UsageError("--head needs --base");
  const open = (source: FileSource, revision: string | undefined, cache?: DocumentCache) =>
    snapshot({
      project,
      municipalitiesDir: dir,
      source,
      err: stderr,
      stop: ["sei-infra capacity:", NOTHING.reported],
      // Files of a git revision are named "REV:path", as git names them.
      filePrefix: revision === undefined ? "" : `${revision}:`,
      ...(cache ? { cache } : {}),
    });
  if (options.base === undefined) {
    const source = workingTree(root);
    const head = open(source, undefined);
    return head && positioned(analyseFleet(head), source);
  }
  const revisions = options.head === undefined ? [options.base] : [options.base, options.head];
  // Everything a fleet load reads, in one git batch.
  const [baseSource, headSource = workingTree(root)] = gitRevisions({ root, revisions, prefetch: fleetPaths(dir) });
  // One cache for both loads: files the change did not touch are parsed and validated once.
  const cache: DocumentCache = new Map();
  const base = open(baseSource!, options.base, cache);
  const head = open(headSource, options.head, cache);
  return base && head && positioned(analyseChange(base, head), headSource);
}

/** Check diagnostics located in the files of the revision they judge (the head). */
function positioned(result: CapacityResult, source: FileSource): CapacityResult {
  return { ...result, diagnostics: positionDiagnostics(result.diagnostics, source) };
}

/** Loads and resolves one revision; prints its diagnostics and returns undefined when it has errors. */
function snapshot(options: OpenFleetOptions & { readonly source: FileSource }): Snapshot | undefined {
  const valid = loadValidFleet(options);
  return valid && snapshotOf(valid.fleet, options.source.label);
}
