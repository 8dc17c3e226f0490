/**
 * An option that takes one of a few values (a tier, a format, a CI engine),
 * with "did you mean" for a near miss and the short names people type
 * (`--format md`). Commander's own `.choices()` lists the values but suggests
 * nothing; its list stays for the help.
 */
import { InvalidArgumentError, Option } from "commander";
import { didYouMean } from "../core/load/index.ts";

export function choiceOption(
  flags: string,
  description: string,
  values: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): Option {
  const known = Object.entries(aliases).filter(([, value]) => values.includes(value));
  const shown =
    known.length > 0 ? `${description} (${known.map(([a, v]) => `${a} for ${v}`).join(", ")})` : description;
  return new Option(flags, shown).choices(values).argParser((typed: string) => {
    const value = Object.fromEntries(known)[typed] ?? typed;
    if (values.includes(value)) return value;
    throw new InvalidArgumentError(`Allowed choices are ${values.join(", ")}${didYouMean(typed, values)}`);
  });
}
