/**
 * `sei-infra new --ibge CODE --tier TIER`: writes municipalities/<slug>.yaml
 * from the official IBGE list (name, slug, population), with the default
 * domain and phase `contracted`, then validates it. Never overwrites a file.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Option, type Command } from "commander";
import { loadOfficialList, slugOf } from "../core/ibge.ts";
import { MUNICIPALITIES_DIR, PLATFORM_FILE } from "../core/fleet.ts";
import { loadDocument } from "../core/load/index.ts";
import { TIER_IDS, type TierId } from "../core/schema/municipality.ts";
import { platformSchema } from "../core/schema/platform.ts";
import { workingTree } from "../sources/working-tree.ts";
import { UsageError } from "./exit.ts";
import { requireDirectory } from "./paths.ts";
import { scaffoldMunicipality } from "./scaffold.ts";
import { runValidate } from "./validate.ts";

export interface NewOptions {
  readonly root: string;
  readonly ibge: string;
  readonly tier: TierId;
  readonly municipalities: string;
  /** YYYY-MM-DD */
  readonly today: string;
  readonly write: (text: string) => void;
}

/** Writes the file and validates it; returns the exit code of that validation. */
export function runNew(options: NewOptions): number {
  const { root } = options;
  const source = workingTree(root);
  const { list, diagnostics } = loadOfficialList(source);
  if (!list) throw new UsageError(diagnostics.map((d) => `${d.file}: ${d.message}`).join("; "));
  const official = list.byCode.get(options.ibge);
  if (!official) throw new UsageError(`"${options.ibge}" is not the IBGE code of a Minas Gerais municipality (see ${list.file})`);

  const dir = requireDirectory(root, options.municipalities, "municipalities folder");
  const file = `${dir}/${slugOf(official.name)}.yaml`;
  const suffix = loadDocument(source, PLATFORM_FILE, platformSchema).value?.spec.domainSuffixes[0] ?? "mg.gov.br";
  const schemaPath = relative(dirname(resolve(root, file)), join(root, "schema", "municipality.schema.json")).split(sep).join("/");
  const text = scaffoldMunicipality({ official, tier: options.tier, domainSuffix: suffix, today: options.today, schemaPath });

  try {
    writeFileSync(resolve(root, file), text, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${file} already exists; sei-infra new never overwrites a file`);
    throw error;
  }
  options.write(`wrote ${file}: replace the TODO placeholders, then run sei-infra validate ${file}\n`);
  return runValidate({ root, files: [file], municipalities: dir, format: "text", strict: false, colour: false, write: options.write });
}

export function register(program: Command): void {
  program
    .command("new")
    .description("Write a new municipality file: official name and population, slug, default domain, phase contracted")
    .requiredOption("--ibge <code>", "7-digit IBGE code of the municipality")
    .addOption(new Option("--tier <tier>", "size tier").choices(TIER_IDS).makeOptionMandatory())
    .option("--municipalities <dir>", "folder of the municipality files", MUNICIPALITIES_DIR)
    .action((opts: { ibge: string; tier: TierId; municipalities: string }) => {
      process.exitCode = runNew({
        root: process.cwd(),
        ibge: opts.ibge,
        tier: opts.tier,
        municipalities: opts.municipalities,
        today: localDate(new Date()),
        write: (text) => process.stdout.write(text),
      });
    });
}

/** Today's date where the command runs, as YYYY-MM-DD. */
function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
