/**
 * The selection as every fleet command starts it: the fleet opened through the
 * one door (shell/open-fleet.ts: load, warnings, stop on errors, plans, --only
 * by name), then narrowed by --tier, --phase, --cluster and --changed-since.
 * With --only, only the named files are validated (the others still count for
 * the fleet rules), as the app does with SEI_ONLY: one municipality's broken
 * file never blocks another's rollout.
 */
import type { DocumentCache } from "../core/load-fleet.ts";
import { printable } from "../core/printable.ts";
import type { InstancePlan } from "../core/plan.ts";
import type { Platform } from "../core/schema/platform.ts";
import { GitError } from "../sources/git-revisions.ts";
import { changedStacks, type ChangedStacksInput } from "./changed-since.ts";
import { UsageError } from "../shell/exit.ts";
import { NOTHING } from "../shell/messages.ts";
import { openFleet } from "../shell/open-fleet.ts";
import { findProject, municipalitiesFolder } from "../shell/paths.ts";
import { ONLY, selectStacks, type FleetStack, type Selection } from "./selection.ts";

export interface SelectOptions extends Selection {
  /** Folder of the municipality files, relative to the project root. @default the repository's municipalities/ */
  readonly municipalities?: string;
  /** Only the stacks a change since this git revision touches (fleet/changed-since.ts). */
  readonly changedSince?: string;
}

export type Loaded =
  | {
      readonly ok: true;
      readonly stacks: FleetStack[];
      /** The plans of the selected stacks, in the same order. */
      readonly plans: InstancePlan[];
      readonly platform: Platform;
      /** The folder of the municipality files, relative to the root. */
      readonly municipalities: string;
    }
  | { readonly ok: false };

/** Loads and selects at the root `cwd`; an invalid input file prints its diagnostics through `err` and gives { ok: false } (exit 1). */
export function loadSelection(cwd: string, options: SelectOptions, err: (text: string) => void): Loaded {
  const project = findProject(cwd);
  const dir = municipalitiesFolder(project, options.municipalities);
  // Shared with the load of --changed-since's revision: a file both revisions hold is parsed once.
  const cache: DocumentCache = new Map();
  const opened = openFleet({
    project,
    municipalitiesDir: dir,
    err,
    stop: ["sei-infra fleet:", NOTHING.ran],
    cache,
    ...(options.only ? { names: { list: options.only, naming: ONLY } } : {}),
  });
  if (!opened) return { ok: false };
  const { platform, plans } = opened;
  // --only is applied: the plans are the named ones.
  const { tiers, phases, clusters } = options;
  const stacks = selectStacks(
    plans,
    { ...(tiers ? { tiers } : {}), ...(phases ? { phases } : {}), ...(clusters ? { clusters } : {}) },
    { clusters: platform.spec.clusters.map((c) => c.name), phaseOf: opened.phaseOf },
  );
  const plansOf = (chosen: readonly FleetStack[]) =>
    chosen.map((stack) => plans.find((plan) => plan.stackName === stack.name)!);
  if (options.changedSince === undefined)
    return { ok: true, stacks, plans: plansOf(stacks), platform, municipalities: dir };

  const selected = new Set(stacks.map((s) => s.name));
  const changes = sinceRevision(options.changedSince, {
    root: project.root,
    municipalitiesDir: dir,
    plans: plans.filter((plan) => selected.has(plan.stackName)),
    cache,
  });
  const changed = stacks.filter((s) => changes.reasons.has(s.name));
  const count = `--changed-since ${options.changedSince}: ${changed.length} of ${stacks.length} stack(s) selected`;
  err([...changes.lines, count].map((line) => `${printable(line)}\n`).join(""));
  return { ok: true, stacks: changed, plans: plansOf(changed), platform, municipalities: dir };
}

function sinceRevision(revision: string, input: Omit<ChangedStacksInput, "revision">) {
  try {
    return changedStacks({ ...input, revision });
  } catch (error) {
    if (error instanceof GitError) throw new UsageError(`--changed-since ${revision}: ${error.message}`);
    throw error;
  }
}
