/**
 * core/printable.ts, and every output format fed hostile text: no raw control
 * or bidi character, no line break that starts a new annotation or CSV row,
 * and long values cut. Ordinary text passes unchanged.
 */
import { describe, expect, it } from "vitest";
import { RAW_CONTROL } from "../support/raw-control.ts";
import { analyseFleet, type CapacityResult } from "../../core/capacity/analyse.ts";
import { snapshotOf } from "../../core/capacity/snapshot.ts";
import type { Diagnostic } from "../../core/diagnostics.ts";
import { loadFleet } from "../../core/load-fleet.ts";
import { EXCERPT_LENGTH, printable, quoted, quotedAscii, TEXT_LIMIT } from "../../core/printable.ts";
import { renderChart } from "../../report/capacity/chart.ts";
import { FORMATS } from "../../report/formats.ts";
import { workingTree } from "../../sources/working-tree.ts";
import { REPO_ROOT } from "../cli/run.ts";

const HOSTILE = "a\u001b[31mred\u0000\r\nb\u009b2J\u202eevil\u2028\u200b\u{e0041}\ud800";

describe("printable", () => {
  it("leaves ordinary text alone, accents included", () => {
    for (const text of [
      "Uberlândia",
      "spec.contract.pncpId",
      'contract.number "9/2026" is also used',
      "São João del-Rei → 100%",
    ]) {
      expect(printable(text)).toBe(text);
    }
    expect(quoted("sei.tiradentes.mg.gov.br")).toBe('"sei.tiradentes.mg.gov.br"');
  });

  it("escapes controls, C1, bidi, zero-width, tag characters, separators and lone surrogates", () => {
    expect(printable(HOSTILE)).toBe("a\\u001b[31mred\\u0000\\r\\nb\\u009b2J\\u202eevil\\u2028\\u200b\\u{e0041}\\ud800");
    expect(quoted(HOSTILE)).toBe('"a\\u001b[31mred\\u0000\\r\\nb\\u009b2J\\u202eevil\\u2028\\u200b\\u{e0041}\\ud800"');
    expect(quoted('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
  });

  it("cuts long text and says how long it was", () => {
    const long = `${"k".repeat(60 * 1024)}END`;
    expect(quoted(long)).toBe(`"${"k".repeat(EXCERPT_LENGTH)}"… (61443 characters)`);
    expect(printable(long)).toBe(`${"k".repeat(TEXT_LIMIT)}… (61443 characters)`);
    // Characters, not UTF-16 units: an emoji is never split.
    expect(printable("😀".repeat(5), 2)).toBe("😀😀… (5 characters)");
  });

  it("shows a look-alike letter for what it is", () => {
    expect(quotedAscii("t\u0456er")).toBe('"t\\u0456er"');
    expect(quotedAscii("Uberlândia")).toBe('"Uberl\\u00e2ndia"');
  });
});

describe("every output format, fed hostile text", () => {
  const fleet = loadFleet({ source: workingTree(REPO_ROOT) });
  const fair = analyseFleet(snapshotOf(fleet, "working tree"));
  if (fair.mode !== "report") throw new Error("expected a report");
  const diagnostic: Diagnostic = {
    severity: "error",
    file: `m/${HOSTILE}.yaml`,
    line: 3,
    column: 5,
    path: `spec.${HOSTILE}`,
    message: `bad ${HOSTILE}`,
  };
  const [first, ...rest] = fair.report.municipalities;
  const hostile: CapacityResult = {
    ...fair,
    report: {
      ...fair.report,
      source: HOSTILE,
      municipalities: [{ ...first!, file: HOSTILE, displayName: HOSTILE }, ...rest],
    },
    diagnostics: [diagnostic],
  };

  it.each(Object.keys(FORMATS.diagnostics) as (keyof typeof FORMATS.diagnostics)[])(
    "validate --format %s",
    (format) => {
      const out = FORMATS.diagnostics[format]({ diagnostics: [diagnostic], files: [diagnostic.file], colour: false });
      expect(RAW_CONTROL.exec(out)?.[0]).toBeUndefined();
      // Line formats: one line per problem plus the summary, so no line break in the data starts another one.
      const lines = out.trimEnd().split("\n");
      if (format === "text" || format === "github") expect(lines).toHaveLength(2);
      // Structured formats: the hostile text stays inside its one value.
      if (format === "gitlab") expect(JSON.parse(out)).toHaveLength(1);
      if (format === "junit") expect(out.match(/<failure /g)).toHaveLength(1);
      expect(out).toContain("\\u001b[31mred");
    },
  );

  it.each(Object.keys(FORMATS.capacity) as (keyof typeof FORMATS.capacity)[])("capacity --format %s", (format) => {
    const out = FORMATS.capacity[format](hostile);
    expect(RAW_CONTROL.exec(out)?.[0]).toBeUndefined();
    if (format === "csv")
      expect(out.trimEnd().split("\n")).toHaveLength(FORMATS.capacity.csv(fair).trimEnd().split("\n").length);
  });

  it("capacity --chart", () => {
    const svg = renderChart(hostile);
    expect(RAW_CONTROL.exec(svg)?.[0]).toBeUndefined();
    expect(svg).toContain("\\u001b[31mred");
  });

  it("prints the fair report as it always did", () => {
    for (const format of Object.keys(FORMATS.capacity) as (keyof typeof FORMATS.capacity)[]) {
      expect(FORMATS.capacity[format](fair)).not.toContain("\\u");
    }
  });
});
