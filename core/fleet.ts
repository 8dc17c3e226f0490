/**
 * The fleet: platform settings, tiers and every municipality file, loaded and
 * validated together, then resolved into one InstancePlan per formalized
 * municipality.
 *
 * PROVISIONAL minimal loader (no source positions yet): the loader with
 * positions, fleet rules and the validate command replace its internals
 * behind this same API.
 */
import { parse } from "yaml";
import type { z } from "zod";
import type { Diagnostic } from "./diagnostics.ts";
import { hasErrors } from "./diagnostics.ts";
import type { InstancePlan } from "./plan.ts";
import { resolve } from "./resolve.ts";
import { isFormalized, municipalitySchema, type Municipality, type TierId } from "./schema/municipality.ts";
import { platformSchema, type Platform } from "./schema/platform.ts";
import { tierSchema, type Tier } from "./schema/tier.ts";
import type { FileSource } from "./source.ts";

export interface LoadedMunicipality {
  readonly file: string;
  readonly municipality: Municipality;
}

export interface Fleet {
  readonly platform: Platform | undefined;
  readonly tiers: ReadonlyMap<TierId, Tier>;
  /** Municipalities whose own file is valid (fleet-wide errors may still name them). */
  readonly municipalities: readonly LoadedMunicipality[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadFleetOptions {
  readonly source: FileSource;
  /** Folder of the municipality files, relative to the source root. */
  readonly municipalitiesDir?: string;
  /** Validate only these municipality files (paths relative to the source root); the rest of the folder still counts for uniqueness. */
  readonly files?: readonly string[];
  /** Warnings become errors. */
  readonly strict?: boolean;
}

export function loadFleet({ source, municipalitiesDir = "municipalities" }: LoadFleetOptions): Fleet {
  const diagnostics: Diagnostic[] = [];
  const platform = parseFile(source, "platform.yaml", platformSchema, diagnostics);
  const tiers = new Map<TierId, Tier>();
  for (const name of source.list("tiers").filter((n) => n.endsWith(".yaml"))) {
    const tier = parseFile(source, `tiers/${name}`, tierSchema, diagnostics);
    if (tier) tiers.set(tier.metadata.name, tier);
  }
  const municipalities: LoadedMunicipality[] = [];
  for (const name of source.list(municipalitiesDir).filter((n) => n.endsWith(".yaml"))) {
    const file = `${municipalitiesDir}/${name}`;
    const municipality = parseFile(source, file, municipalitySchema, diagnostics);
    if (municipality) municipalities.push({ file, municipality });
  }
  return { platform, tiers, municipalities, diagnostics };
}

/** One plan per formalized municipality; throws if the fleet has errors (callers report them first). */
export function planFleet(fleet: Fleet): InstancePlan[] {
  if (hasErrors(fleet.diagnostics) || !fleet.platform) {
    throw new Error("planFleet needs a fleet without errors; report fleet.diagnostics first");
  }
  const platform = fleet.platform;
  return fleet.municipalities
    .filter(({ municipality }) => isFormalized(municipality.spec.phase))
    .map(({ file, municipality }) => {
      const tier = fleet.tiers.get(municipality.spec.tier);
      if (!tier) throw new Error(`${file}: tier ${municipality.spec.tier} is not loaded`);
      return resolve({ municipality, tier, platform, sourceFile: file });
    });
}

function parseFile<S extends z.ZodType>(source: FileSource, file: string, schema: S, diagnostics: Diagnostic[]): z.output<S> | undefined {
  const bytes = source.read(file);
  if (!bytes) {
    diagnostics.push({ severity: "error", file, line: 0, column: 0, path: "", message: "file not found" });
    return undefined;
  }
  const result = schema.safeParse(parse(bytes.toString("utf8")));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    diagnostics.push({ severity: "error", file, line: 0, column: 0, path: issue.path.join("."), message: issue.message });
  }
  return undefined;
}
