/** The output formats of `sei-infra capacity`, by name. */
import type { CapacityResult } from "../../core/capacity/analyse.ts";
import { renderCsv } from "./csv.ts";
import { renderJson } from "./json.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderText } from "./text.ts";

export const FORMATS = { text: renderText, markdown: renderMarkdown, json: renderJson, csv: renderCsv } as const satisfies Record<
  string,
  (result: CapacityResult) => string
>;

export type Format = keyof typeof FORMATS;

export function render(result: CapacityResult, format: Format): string {
  return FORMATS[format](result);
}
