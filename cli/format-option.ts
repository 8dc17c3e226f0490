/** The `--format` option of a command: the format names of its report in report/formats.ts. */
import { Option } from "commander";
import type { Formats } from "../report/formats.ts";

export function formatOption<T>(formats: Formats<T>, defaultFormat: keyof typeof formats & string): Option {
  return new Option("--format <format>", "output format").choices(Object.keys(formats)).default(defaultFormat);
}
