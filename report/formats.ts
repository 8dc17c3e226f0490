/**
 * Every output format of every command, in one registry: the report a
 * command produces → format name → renderer. `--format` offers the names of
 * its report's entry (cli/format-option.ts); adding a format is one line here.
 */
import type { Diagnostic } from "../core/diagnostics.ts";
import type { CapacityResult } from "../core/capacity/analyse.ts";
import { renderCsv } from "./capacity/csv.ts";
import { renderJson } from "./capacity/json.ts";
import { renderMarkdown } from "./capacity/markdown.ts";
import { renderText } from "./capacity/text.ts";
import { formatGithub } from "./diagnostics/github-annotations.ts";
import { formatGitlab } from "./diagnostics/gitlab-code-quality.ts";
import { formatJson } from "./diagnostics/json.ts";
import { formatJunit } from "./diagnostics/junit-diagnostics.ts";
import { formatText } from "./diagnostics/text.ts";

/** What `validate` reports: the diagnostics of the files it checked. */
export interface DiagnosticReport {
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly string[];
  /** ANSI colours (text only, on a terminal). */
  readonly colour: boolean;
}

export const FORMATS = {
  diagnostics: {
    text: (r: DiagnosticReport) => formatText(r.diagnostics, { colour: r.colour, fileCount: r.files.length }),
    json: (r: DiagnosticReport) => formatJson(r.diagnostics, r.files),
    github: (r: DiagnosticReport) => formatGithub(r.diagnostics, r.files.length),
    gitlab: (r: DiagnosticReport) => formatGitlab(r.diagnostics),
    junit: (r: DiagnosticReport) => formatJunit(r.diagnostics, r.files),
  },
  capacity: { text: renderText, markdown: renderMarkdown, json: renderJson, csv: renderCsv },
} as const satisfies { readonly diagnostics: Formats<DiagnosticReport>; readonly capacity: Formats<CapacityResult> };

/** Short names people type for a format (`--format md`); each applies where its format exists. */
export const FORMAT_ALIASES: Readonly<Record<string, string>> = {
  md: "markdown",
  txt: "text",
  gh: "github",
  gl: "gitlab",
  "code-quality": "gitlab",
};

/** The renderers of one report, by format name. */
export type Formats<T> = Readonly<Record<string, (report: T) => string>>;

export type DiagnosticFormat = keyof (typeof FORMATS)["diagnostics"];
export type CapacityFormat = keyof (typeof FORMATS)["capacity"];
