/** The report formats on their own: colour only when asked, GitHub escaping, the JSON shape; a line break in a message is printed as an escape. */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../core/diagnostics.ts";
import { formatGithub } from "../../report/diagnostics/github-annotations.ts";
import { jsonReport } from "../../report/diagnostics/json.ts";
import { formatText } from "../../report/diagnostics/text.ts";

const error: Diagnostic = {
  severity: "error",
  file: "m/a,b.yaml",
  line: 3,
  column: 5,
  path: "spec.tier",
  message: "100% wrong:\nsee docs",
};
const warning: Diagnostic = {
  severity: "warning",
  file: "m/x.yaml",
  line: 0,
  column: 0,
  path: "",
  message: "whole file",
};

describe("report formats", () => {
  it("text: plain by default, coloured severity and bold position on request", () => {
    expect(formatText([error, warning], { fileCount: 2 })).toBe(
      "m/a,b.yaml:3:5: error: spec.tier: 100% wrong:\\nsee docs\nm/x.yaml: warning: whole file\n1 error, 1 warning in 2 files checked: invalid\n",
    );
    const coloured = formatText([error], { fileCount: 1, colour: true });
    expect(coloured).toBe(
      "\u001b[1mm/a,b.yaml:3:5\u001b[0m: \u001b[31merror:\u001b[0m spec.tier: 100% wrong:\\nsee docs\n\u001b[31m1 error\u001b[0m in 1 file checked: invalid\n",
    );
    expect(formatText([], { fileCount: 1, colour: true })).toBe("\u001b[32m1 file valid\u001b[0m\n");
  });

  it("github: escapes % in messages, and also : and , in properties; no line for whole-file problems", () => {
    expect(formatGithub([error, warning], 2).split("\n")).toEqual([
      "::error file=m/a%2Cb.yaml,line=3,col=5,title=spec.tier::100%25 wrong:\\nsee docs",
      "::warning file=m/x.yaml,title=sei-infra validate::whole file",
      "sei-infra validate: 1 error(s), 1 warning(s) in 2 file(s)",
      "",
    ]);
  });

  it("json: errors and warnings apart, without severity", () => {
    expect(jsonReport([error, warning], ["m/a,b.yaml", "m/x.yaml"])).toEqual({
      ok: false,
      files: ["m/a,b.yaml", "m/x.yaml"],
      errors: [{ file: "m/a,b.yaml", line: 3, column: 5, path: "spec.tier", message: "100% wrong:\\nsee docs" }],
      warnings: [{ file: "m/x.yaml", line: 0, column: 0, path: "", message: "whole file" }],
    });
    expect(jsonReport([warning], []).ok).toBe(true);
  });
});
