/**
 * `sei-infra new --ibge CODE --tier TIER`: writes municipalities/<slug>.yaml
 * from the official IBGE list (name, slug, population), with the default
 * domain and phase `contracted`, then validates it. Never overwrites a file.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath, sep } from "node:path";
import { Option } from "commander";
import { loadOfficialList, slugOf } from "../core/ibge.ts";
import { MUNICIPALITIES_DIR, PLATFORM_FILE } from "../core/fleet.ts";
import { loadDocument } from "../core/load/index.ts";
import { printable } from "../core/printable.ts";
import { TIER_IDS, type TierId } from "../core/schema/municipality.ts";
import { platformSchema } from "../core/schema/platform.ts";
import { RefusedPath } from "../core/source.ts";
import { realFolderInside, workingTree } from "../sources/working-tree.ts";
import type { CommandSpec, Io } from "./command.ts";
import { UsageError } from "../shell/exit.ts";
import { requireDirectory } from "./paths.ts";
import { scaffoldMunicipality } from "./scaffold.ts";
import { runValidate } from "./validate.ts";

export interface NewArgs {
  readonly ibge: string;
  readonly tier: TierId;
  readonly municipalities: string;
}

export const newMunicipality: CommandSpec<NewArgs> = {
  name: "new",
  description: "Write a new municipality file: official name and population, slug, default domain, phase contracted",
  define: (command) =>
    command
      .requiredOption("--ibge <code>", "7-digit IBGE code of the municipality")
      .addOption(new Option("--tier <tier>", "size tier").choices(TIER_IDS).makeOptionMandatory())
      .option("--municipalities <dir>", "folder of the municipality files", MUNICIPALITIES_DIR),
  run: runNew,
};

/** Writes the file and validates it; returns the exit code of that validation. */
function runNew(args: NewArgs, io: Io): number {
  const root = io.cwd;
  const source = workingTree(root);
  const { list, diagnostics } = loadOfficialList(source);
  if (!list) throw new UsageError(diagnostics.map((d) => `${d.file}: ${d.message}`).join("; "));
  const official = list.byCode.get(args.ibge);
  if (!official)
    throw new UsageError(`"${args.ibge}" is not the IBGE code of a Minas Gerais municipality (see ${list.file})`);

  const dir = requireDirectory(root, args.municipalities, "municipalities folder");
  try {
    // The new file is written there: never through a link out of the project.
    realFolderInside(root, resolvePath(root, dir));
  } catch (error) {
    if (error instanceof RefusedPath)
      throw new UsageError(`municipalities folder ${args.municipalities}: ${error.message}`);
    throw error;
  }
  const file = `${dir}/${slugOf(official.name)}.yaml`;
  const suffix = loadDocument(source, PLATFORM_FILE, platformSchema).value?.spec.domainSuffixes[0] ?? "mg.gov.br";
  const schemaPath = relative(dirname(resolvePath(root, file)), join(root, "schema", "municipality.schema.json"))
    .split(sep)
    .join("/");
  const text = scaffoldMunicipality({
    official,
    tier: args.tier,
    domainSuffix: suffix,
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
  io.stdout(`wrote ${shown}: replace the TODO placeholders, then run sei-infra validate ${shown}\n`);
  return runValidate({ files: [file], municipalities: dir, format: "text", strict: false }, { ...io, colour: false });
}

/** Today's date where the command runs, as YYYY-MM-DD. */
function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
