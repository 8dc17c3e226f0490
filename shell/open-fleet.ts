/**
 * The one door to the fleet. Every command that reads the fleet loads it with
 * readFleet: the root check comes before it (a Project, shell/paths.ts
 * findProject), then platform.yaml, tiers/ and the municipality files (with
 * names, only the named files are validated; the others still count for the
 * fleet rules, so one municipality's broken file never blocks another's
 * rollout). validate (commands/validate.ts) stops there: it reports every
 * diagnostic in its own formats and neither plans nor selects. capacity
 * (commands/capacity.ts) goes on through loadValidFleet: the warnings printed,
 * a stop on errors with one line that says what was not done. openFleet, for
 * the commands that work on plans (synth: stacks/cdktf-app.ts; fleet: fleet/load.ts;
 * restore: restore/restorable-plan.ts; backups: backups/store-commands.ts), then
 * resolves the plans and selects the named municipalities.
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

/** Where a load reads, the same for every command. */
interface FleetFiles {
  readonly project: Project;
  /** Folder of the municipality files, relative to the root (shell/paths.ts municipalitiesFolder). */
  readonly municipalitiesDir: string;
  /** Only these municipalities (or stacks, as `naming` allows), in this order. @default all */
  readonly names?: { readonly list: readonly string[]; readonly naming: Naming };
  /** @default the working tree at the root */
  readonly source?: FileSource;
  /** Shared with another load (a git revision): a file both hold is parsed once. */
  readonly cache?: DocumentCache;
}

/** validate's load: the files it names, strictness and the revision it compares with (core/load-fleet.ts LoadFleetOptions). */
export interface ReadFleetOptions extends FleetFiles {
  /** Only these municipality files (relative to the root); with `names`, the named ones. @default all */
  readonly files?: readonly string[];
  readonly strict?: boolean;
  readonly base?: FileSource;
}

export interface OpenFleetOptions extends FleetFiles {
  readonly err: (text: string) => void;
  /** Who stops and what it did not do, for the line after the errors: ["sei-infra fleet:", NOTHING.ran]. */
  readonly stop: readonly [command: string, nothingDone: string];
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

/** The fleet loaded, with every diagnostic; nothing is printed (validate reports them in its own formats). */
export function readFleet(options: ReadFleetOptions): Fleet {
  const { project, municipalitiesDir, names } = options;
  const source = options.source ?? workingTree(project.root);
  const files = names ? namedFiles(source, municipalitiesDir, names.list, names.naming) : options.files;
  return loadFleet({
    source,
    municipalitiesDir,
    ...(files ? { files } : {}),
    ...(options.strict ? { strict: true } : {}),
    ...(options.base ? { base: options.base } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
  });
}

/** The fleet, loaded and valid, not yet planned (capacity plans it its own way); undefined when a file is invalid. */
export function loadValidFleet(options: OpenFleetOptions): ValidFleet | undefined {
  const { err } = options;
  const fleet = readFleet(options);
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
