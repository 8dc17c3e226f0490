/**
 * `sei-infra new --name NAME | --ibge CODE [--tier TIER]`: the options of
 * `new`; commands/new-municipality.ts does the work.
 */
import { TIER_IDS } from "../core/schema/municipality.ts";
import { runNew, type NewArgs } from "../commands/new-municipality.ts";
import { MUNICIPALITIES_OPTION_HELP } from "../shell/paths.ts";
import { choiceOption } from "./choice-option.ts";
import type { CommandSpec } from "./command.ts";

export const newMunicipality: CommandSpec<NewArgs> = {
  name: "new",
  description:
    "Write a new municipality file: official name and population, slug, tier, default domain, phase contracted",
  define: (command) =>
    command
      .option("--name <name>", 'official name; accents and case may be left out ("sao joao del rei")')
      .option("--ibge <code>", "7-digit IBGE code of the municipality, instead of --name")
      .addOption(
        choiceOption(
          "--tier <tier>",
          "size tier (default: the tier whose population band holds the population)",
          TIER_IDS,
        ),
      )
      .option("--force", "write a --tier that does not fit the population (validate then warns)", false)
      .option("--municipalities <dir>", MUNICIPALITIES_OPTION_HELP),
  run: runNew,
};
