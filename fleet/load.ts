/**
 * The selection as every fleet command starts it: platform.yaml, tiers and
 * municipality files loaded and validated by core, resolved into plans, then
 * narrowed by the selection flags. With --only, only the named files are
 * validated (the others still count for the fleet rules), as the app does
 * with SEI_ONLY: one municipality's broken file never blocks another's rollout.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, posix, relative, resolve, sep } from "node:path";
import { hasErrors } from "../core/diagnostics.ts";
import { loadFleet, planFleet, PLATFORM_FILE, type DocumentCache } from "../core/fleet.ts";
import { didYouMean } from "../core/load/suggest.ts";
import { printable } from "../core/printable.ts";
import { STACK_PREFIX } from "../core/rules/no-stack-prefix.ts";
import type { Platform } from "../core/schema/platform.ts";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { GitError } from "../sources/git-revisions.ts";
import { workingTree } from "../sources/working-tree.ts";
import { changedStacks, type ChangedStacksInput } from "./changed-since.ts";
import { UsageError } from "../shell/exit.ts";
import { selectStacks, type FleetStack, type Selection } from "./selection.ts";

export interface SelectOptions extends Selection {
  /** Folder of the municipality files, relative to the project root. */
  readonly municipalities: string;
  /** Only the stacks a change since this git revision touches (fleet/changed-since.ts). */
  readonly changedSince?: string;
}

export type Loaded =
  { readonly ok: true; readonly stacks: FleetStack[]; readonly platform: Platform } | { readonly ok: false };

/** Loads and selects; an invalid input file prints its diagnostics through `err` and gives { ok: false } (exit 1). */
export function loadSelection(cwd: string, options: SelectOptions, err: (text: string) => void): Loaded {
  if (!existsSync(join(cwd, PLATFORM_FILE)))
    throw new UsageError(`no ${PLATFORM_FILE} in ${cwd}: run sei-infra from the repository root`);
  const dirPath = resolve(cwd, options.municipalities);
  if (!statSync(dirPath, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`municipalities folder ${options.municipalities}: no such folder`);
  const dir = relative(cwd, dirPath).split(sep).join("/") || ".";

  const files = options.only?.map((name) => onlyFile(cwd, dir, name));
  // Shared with the load of --changed-since's revision: a file both revisions hold is parsed once.
  const cache: DocumentCache = new Map();
  const fleet = loadFleet({ source: workingTree(cwd), municipalitiesDir: dir, cache, ...(files ? { files } : {}) });
  for (const d of fleet.diagnostics) if (d.severity === "warning") err(`${formatDiagnostic(d)}\n`);
  if (hasErrors(fleet.diagnostics) || !fleet.platform) {
    for (const d of fleet.diagnostics) if (d.severity === "error") err(`${formatDiagnostic(d)}\n`);
    err("sei-infra fleet: stopped: fix the errors above; nothing ran\n");
    return { ok: false };
  }
  const phases = new Map(fleet.municipalities.map(({ municipality: m }) => [m.metadata.name, m.spec.phase]));
  const plans = planFleet(fleet);
  const stacks = selectStacks(plans, options, {
    clusters: fleet.platform.spec.clusters.map((c) => c.name),
    phaseOf: (name) => phases.get(name),
  });
  if (options.changedSince === undefined) return { ok: true, stacks, platform: fleet.platform };

  const selected = new Set(stacks.map((s) => s.name));
  const changes = sinceRevision(options.changedSince, {
    root: cwd,
    municipalitiesDir: dir,
    plans: plans.filter((plan) => selected.has(plan.stackName)),
    cache,
  });
  const changed = stacks.filter((s) => changes.reasons.has(s.name));
  const count = `--changed-since ${options.changedSince}: ${changed.length} of ${stacks.length} stack(s) selected`;
  err([...changes.lines, count].map((line) => `${printable(line)}\n`).join(""));
  return { ok: true, stacks: changed, platform: fleet.platform };
}

function sinceRevision(revision: string, input: Omit<ChangedStacksInput, "revision">) {
  try {
    return changedStacks({ ...input, revision });
  } catch (error) {
    if (error instanceof GitError) throw new UsageError(`--changed-since ${revision}: ${error.message}`);
    throw error;
  }
}

/**
 * The file of an --only name, matched exactly: `sei-x` is the stack of
 * municipality x (no municipality name starts with the stack prefix), `x` the
 * municipality x. An unknown name gets the closest file's name as a suggestion.
 */
function onlyFile(cwd: string, dir: string, name: string): string {
  const isStack = name.startsWith(STACK_PREFIX);
  const municipality = isStack ? name.slice(STACK_PREFIX.length) : name;
  const file = posix.join(dir, `${municipality}.yaml`);
  if (municipality !== "" && !municipality.includes("/") && existsSync(join(cwd, file))) return file;
  const known = readdirSync(join(cwd, dir))
    .filter((n) => n.endsWith(".yaml"))
    .map((n) => `${isStack ? STACK_PREFIX : ""}${n.slice(0, -".yaml".length)}`);
  throw new UsageError(`--only ${name}: no municipality or stack of that name in ${dir}/${didYouMean(name, known)}`);
}
