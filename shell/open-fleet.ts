/**
 * The one door to the fleet, as every command that works on plans opens it
 * (synth, fleet, restore, capacity): load platform.yaml, tiers/ and the
 * municipality files (with names, only the named files are validated; the
 * others still count for the fleet rules, so one municipality's broken file
 * never blocks another's rollout), print the warnings, stop on errors with one
 * line that says what was not done, resolve the plans, and select the named
 * municipalities. The root check comes before it: a Project (shell/paths.ts).
 */
import { hasErrors } from "../core/diagnostics.ts";
import { loadFleet, planFleet, type DocumentCache, type Fleet } from "../core/load-fleet.ts";
import type { InstancePlan } from "../core/plan.ts";
import type { Phase } from "../core/schema/municipality.ts";
import type { Platform } from "../core/schema/platform.ts";
import type { FileSource } from "../core/source.ts";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { workingTree } from "../sources/working-tree.ts";
import { stoppedOnErrors } from "./messages.ts";
import { namedFiles, namedPlans, type Naming } from "./names.ts";
import type { Project } from "./paths.ts";

export interface OpenFleetOptions {
  readonly project: Project;
  /** Folder of the municipality files, relative to the root (shell/paths.ts municipalitiesFolder). */
  readonly municipalitiesDir: string;
  readonly err: (text: string) => void;
  /** Who stops and what it did not do, for the line after the errors: ["sei-infra fleet:", NOTHING.ran]. */
  readonly stop: readonly [command: string, nothingDone: string];
  /** Only these municipalities (or stacks, as `naming` allows), in this order. @default all */
  readonly names?: { readonly list: readonly string[]; readonly naming: Naming };
  /** @default the working tree at the root */
  readonly source?: FileSource;
  /** Shared with another load (a git revision): a file both hold is parsed once. */
  readonly cache?: DocumentCache;
  /** Put before every file name printed: "REV:" for a git revision, as git names its files. @default "" */
  readonly filePrefix?: string;
}

export interface ValidFleet {
  readonly fleet: Fleet;
  readonly platform: Platform;
  /** The phase of any loaded municipality, planned or not (contracted ones have no plan). */
  readonly phaseOf: (municipality: string) => Phase | undefined;
}

export interface OpenedFleet extends ValidFleet {
  /** The plans of the named municipalities in the order named, or of every formalized one. */
  readonly plans: InstancePlan[];
}

/** The fleet, planned and selected; undefined when an input file is invalid (its diagnostics are printed). */
export function openFleet(options: OpenFleetOptions): OpenedFleet | undefined {
  const valid = loadValidFleet(options);
  if (!valid) return undefined;
  const plans = planFleet(valid.fleet);
  const names = options.names;
  return { ...valid, plans: names ? namedPlans(plans, names.list, names.naming, valid.phaseOf) : plans };
}

/** The fleet, loaded and valid, not yet planned (capacity plans it its own way); undefined when a file is invalid. */
export function loadValidFleet(options: OpenFleetOptions): ValidFleet | undefined {
  const { project, municipalitiesDir, err, names } = options;
  const source = options.source ?? workingTree(project.root);
  const files = names && namedFiles(source, municipalitiesDir, names.list, names.naming);
  const fleet = loadFleet({
    source,
    municipalitiesDir,
    ...(files ? { files } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
  });
  const print = (severity: string) => {
    for (const d of fleet.diagnostics)
      if (d.severity === severity) err(`${formatDiagnostic({ ...d, file: `${options.filePrefix ?? ""}${d.file}` })}\n`);
  };
  print("warning");
  if (hasErrors(fleet.diagnostics) || !fleet.platform) {
    print("error");
    err(`${stoppedOnErrors(...options.stop)}\n`);
    return undefined;
  }
  const phases = new Map(fleet.municipalities.map(({ municipality: m }) => [m.metadata.name, m.spec.phase]));
  return { fleet, platform: fleet.platform, phaseOf: (name) => phases.get(name) };
}
