/**
 * The work of `sei-infra new --name NAME | --ibge CODE [--tier TIER]` (its
 * options: cli/new.ts): writes
 * municipalities/<slug>.yaml from the official IBGE list (name, slug,
 * population), with the tier of its population band, the default domain and
 * phase `contracted`, then validates it. Never overwrites a file. Runs from
 * any folder of the repository.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath, sep } from "node:path";
import { loadOfficialList, type OfficialMunicipality } from "../core/ibge.ts";
import { slugOf } from "../core/ibge.ts";
import { loadFleet, MUNICIPALITIES_DIR } from "../core/load-fleet.ts";
import { describeBand, inBand, tierForPopulation } from "../core/population-band.ts";
import { printable } from "../core/printable.ts";
import type { TierId } from "../core/schema/municipality.ts";
import { RefusedPath } from "../core/source.ts";
import { realFolderInside, workingTree } from "../sources/working-tree.ts";
import type { Io } from "../shell/io.ts";
import { UsageError } from "../shell/exit.ts";
import { officialByCode, officialByName } from "../core/find-official.ts";
import { findProject, municipalitiesFolder } from "../shell/paths.ts";
import { scaffoldMunicipality } from "../core/scaffold.ts";
import { runValidate } from "./validate.ts";

export interface NewArgs {
  readonly name?: string;
  readonly ibge?: string;
  readonly tier?: TierId;
  readonly force: boolean;
  /** As typed, relative to where the command runs. @default the repository's municipalities/ */
  readonly municipalities?: string;
}

/** Writes the file and validates it; returns the exit code of that validation. */
export function runNew(args: NewArgs, io: Io): number {
  const project = findProject(io.cwd);
  const { root } = project;
  const source = workingTree(root);
  const official = findOfficial(args, source);
  const dir = municipalitiesFolder(project, args.municipalities);
  try {
    // The new file is written there: never through a link out of the project.
    realFolderInside(root, resolvePath(root, dir));
  } catch (error) {
    if (error instanceof RefusedPath)
      throw new UsageError(`municipalities folder ${args.municipalities ?? MUNICIPALITIES_DIR}: ${error.message}`);
    throw error;
  }
  const fleet = loadFleet({ source, municipalitiesDir: dir, files: [] });
  const tier = chooseTier(official, args, fleet.tiers);
  const file = `${dir}/${slugOf(official.name)}.yaml`;
  const schemaPath = relative(dirname(resolvePath(root, file)), join(root, "schema", "municipality.schema.json"))
    .split(sep)
    .join("/");
  const text = scaffoldMunicipality({
    official,
    tier,
    domainSuffix: fleet.platform?.spec.domainSuffixes[0] ?? "mg.gov.br",
    today: localDate(io.now()),
    schemaPath,
  });

  try {
    writeFileSync(resolvePath(root, file), text, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new UsageError(`${file} already exists; sei-infra new never overwrites a file`);
    throw error;
  }
  const shown = printable(file);
  const from = root === resolvePath(io.cwd) ? "" : ` (from ${printable(root)})`;
  io.stdout(`wrote ${shown}: replace the values tagged !placeholder, then run sei-infra validate ${shown}${from}\n`);
  return runValidate(
    { files: [file], municipalities: dir, format: "text", strict: false },
    { ...io, cwd: root, colour: false },
  );
}

function findOfficial(args: NewArgs, source: ReturnType<typeof workingTree>): OfficialMunicipality {
  if (args.name !== undefined && args.ibge !== undefined)
    throw new UsageError("give either --name or --ibge, not both");
  if (args.name === undefined && args.ibge === undefined)
    throw new UsageError("name the municipality: --name NAME or --ibge CODE");
  const { list, diagnostics } = loadOfficialList(source);
  if (!list) throw new UsageError(diagnostics.map((d) => `${d.file}: ${d.message}`).join("; "));
  const match = args.ibge !== undefined ? officialByCode(list, args.ibge) : officialByName(list, args.name ?? "");
  if (match.problem !== undefined) throw new UsageError(match.problem);
  return match.found;
}

/** `--tier`, when it fits the population or `--force` says so; else the tier of the population band. */
function chooseTier(
  official: OfficialMunicipality,
  args: NewArgs,
  tiers: ReturnType<typeof loadFleet>["tiers"],
): TierId {
  const fitting = tierForPopulation(official.population, tiers.values())?.metadata.name;
  if (args.tier === undefined) {
    if (!fitting)
      throw new UsageError(`no tier in tiers/ has a band that holds ${official.population} inhabitants; give --tier`);
    return fitting;
  }
  const band = tiers.get(args.tier)?.spec.population;
  if (args.force || !band || inBand(official.population, band)) return args.tier;
  throw new UsageError(
    `tier ${args.tier} is for ${describeBand(band)} inhabitants; ${official.name} has ${official.population}, which is tier ${fitting ?? "(none)"}: leave --tier out, or give --force to write ${args.tier} anyway`,
  );
}

/** Today's date where the command runs, as YYYY-MM-DD. */
function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
