/**
 * `--changed-since REV`: the stacks a change since REV touches.
 *
 * Old code never runs: REV's data files (platform.yaml, tiers, municipality
 * files, the official list: what a fleet load reads) are read from git as
 * data and resolved with today's code, as `capacity --base` does, and a stack
 * is selected when its resolved plan differs from REV's. The plan is the
 * single source of a stack, so this is exact for data changes. A change to
 * anything else that can reach a stack (code, the chart, dependencies) cannot
 * be judged that way and selects every stack, saying so. Documentation, tests
 * and benches never reach a stack.
 */
import { isDeepStrictEqual } from "node:util";
import { hasErrors } from "../core/diagnostics.ts";
import { fleetPaths, loadFleet, planFleet, type DocumentCache } from "../core/load-fleet.ts";
import type { InstancePlan } from "../core/plan.ts";
import { changedPaths, gitRevisions } from "../sources/git-revisions.ts";

/** Paths that never reach a stack: documentation, tests, benches and the root's Markdown files. */
const INERT = [/^docs\//, /^test\//, /^bench\//, /^[^/]+\.md$/];

/** How many changed paths a message names before it says "and N more". */
const NAMED = 5;

export interface ChangedStacks {
  /** Why each selected stack is selected, by stack name; a stack not here is unchanged. */
  readonly reasons: ReadonlyMap<string, string>;
  /** What changed and why stacks are selected, a line each (file names as git gives them: print escaped). */
  readonly lines: readonly string[];
}

export interface ChangedStacksInput {
  /** The project root, inside a git work tree. */
  readonly root: string;
  readonly revision: string;
  /** Folder of the municipality files, relative to root. */
  readonly municipalitiesDir: string;
  /** The working tree's plans to judge. */
  readonly plans: readonly InstancePlan[];
  /** The working tree load's documents: a file both revisions share is parsed once. */
  readonly cache?: DocumentCache;
}

/** Throws GitError for an unknown revision or a folder outside git. */
export function changedStacks({ root, revision, municipalitiesDir, plans, cache }: ChangedStacksInput): ChangedStacks {
  const data = fleetPaths(municipalitiesDir);
  const isData = (path: string) => data.some((d) => path === d || path.startsWith(`${d}/`));
  const paths = changedPaths(root, revision);
  const reaching = paths.filter((path) => !isData(path) && !INERT.some((pattern) => pattern.test(path)));
  const every = (why: string): ChangedStacks => ({
    reasons: new Map(plans.map((plan) => [plan.stackName, why])),
    lines: [`every stack: ${why}`],
  });
  if (reaching.length > 0)
    return every(`code, the chart or dependencies changed since ${revision}: ${named(reaching)}`);

  const dataFiles = paths.filter(isData);
  if (dataFiles.length === 0)
    return { reasons: new Map(), lines: [`nothing that reaches a stack changed since ${revision}`] };

  const [source] = gitRevisions({ root, revisions: [revision], prefetch: data });
  const fleet = loadFleet({ source: source!, municipalitiesDir, ...(cache ? { cache } : {}) });
  if (hasErrors(fleet.diagnostics) || !fleet.platform)
    return every(`the data files of ${source!.label} do not load without errors, so no plan can be compared`);

  const before = new Map(planFleet(fleet).map((plan) => [plan.stackName, plan]));
  const reasons = new Map<string, string>();
  for (const plan of plans) {
    const old = before.get(plan.stackName);
    if (!old) reasons.set(plan.stackName, `new since ${revision}`);
    else if (!isDeepStrictEqual(old, plan))
      reasons.set(plan.stackName, `resolved plan differs in ${differing(old, plan)}`);
  }
  const lines = [`changed since ${source!.label}: ${named(dataFiles)}`];
  for (const [stack, why] of [...reasons].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${stack}: ${why}`);
  return { reasons, lines };
}

/** The plan's top-level fields that differ ("quota, release"). */
function differing(a: InstancePlan, b: InstancePlan): string {
  const keys = Object.keys(b) as (keyof InstancePlan)[];
  return keys.filter((key) => !isDeepStrictEqual(a[key], b[key])).join(", ");
}

function named(paths: readonly string[]): string {
  const shown = paths.slice(0, NAMED).join(", ");
  return paths.length > NAMED ? `${shown} and ${paths.length - NAMED} more` : shown;
}
