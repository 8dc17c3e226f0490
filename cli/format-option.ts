/** The `--format` option of a command: the format names of its report in report/formats.ts, and their short names. */
import type { Option } from "commander";
import { FORMAT_ALIASES, type Formats } from "../report/formats.ts";
import { choiceOption } from "./choice-option.ts";

export function formatOption<T>(formats: Formats<T>, defaultFormat: keyof typeof formats & string): Option {
  return choiceOption("--format <format>", "output format", Object.keys(formats), FORMAT_ALIASES).default(
    defaultFormat,
  );
}
