import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { mergeReports } from "../../fleet/merge.ts";
import { readJsonFile } from "../../fleet/read-json.ts";
import { renderJunit } from "../../fleet/render/junit.ts";
import { renderMarkdown } from "../../fleet/render/markdown.ts";
import {
  REPORT_VERSION,
  exitCodeOf,
  formatReport,
  reportSchema,
  summarize,
  type FleetReport,
  type StackReport,
} from "../../fleet/report.ts";
import { rolloutPlan } from "../../fleet/rollout-plan.ts";
import { stack, stackReport } from "./support.ts";

function report(stacks: StackReport[], fields: Partial<FleetReport> = {}): FleetReport {
  return {
    schemaVersion: REPORT_VERSION,
    command: "apply",
    selection: { municipalities: "municipalities", only: stacks.map((s) => s.name) },
    engine: { name: "opentofu", version: "1.12.6", path: "/usr/bin/tofu" },
    startedAt: "2026-05-04T10:00:00.000Z",
    finishedAt: "2026-05-04T10:01:00.000Z",
    concurrency: 1,
    maxFailures: "0",
    waves: [{ name: "canary", stacks: stacks.map((s) => s.name) }],
    summary: summarize(stacks),
    stacks,
    ...fields,
  };
}

const [a, b, c, d] = [stack("a"), stack("b", "medio"), stack("c", "pequeno-i", "bh-2"), stack("d")];
const waves = [
  { name: "canary", stacks: [a!, b!] },
  { name: "50%", stacks: [c!] },
  { name: "rest", stacks: [d!] },
];
const plan = rolloutPlan(waves, "1");

describe("merging the reports of a CI rollout", () => {
  it("takes each stack's wave from the rollout plan, sums up, and spans the runs", () => {
    const merged = mergeReports(
      [
        {
          file: "r/b.json",
          report: report([stackReport(b!, "applied", { wave: "canary" })], {
            startedAt: "2026-05-04T10:00:05.000Z",
            finishedAt: "2026-05-04T10:03:00.000Z",
          }),
        },
        { file: "r/a.json", report: report([stackReport(a!, "no-changes", { wave: "canary" })]) },
        { file: "r/c.json", report: report([stackReport(c!, "failed", { wave: "canary" })], { concurrency: 3 }) },
      ],
      plan,
    );
    expect(merged.stacks.map((s) => [s.name, s.wave, s.status])).toEqual([
      ["sei-a", "canary", "no-changes"],
      ["sei-b", "canary", "applied"],
      ["sei-c", "50%", "failed"],
      // Its wave never ran (held by the gate): skipped.
      ["sei-d", "rest", "skipped"],
    ]);
    expect(merged.stacks[3]!.error).toBe(
      "no report: the wave did not run (held or cancelled), or all its jobs died first",
    );
    expect(merged.waves).toEqual(plan.waves);
    expect(merged.summary).toMatchObject({ applied: 1, "no-changes": 1, failed: 1, skipped: 1, drifted: 0 });
    expect([merged.startedAt, merged.finishedAt, merged.concurrency, merged.maxFailures]).toEqual([
      "2026-05-04T10:00:00.000Z",
      "2026-05-04T10:03:00.000Z",
      3,
      "1",
    ]);
    expect(merged.selection.only).toEqual(["sei-a", "sei-b", "sei-c"]);
    expect(reportSchema.parse(merged)).toEqual(merged);
    expect(exitCodeOf(merged.stacks)).toBe(1);
  });

  it("a stack without a report in a wave that ran failed: its job died before writing one", () => {
    const merged = mergeReports([{ file: "a.json", report: report([stackReport(a!, "applied")]) }], plan);
    expect(merged.stacks.find((s) => s.name === "sei-b")).toMatchObject({
      status: "failed",
      error: "no report: the stack's job did not finish",
      log: null,
    });
  });

  it("a stack reported twice counts its later run (a retried job)", () => {
    const first = report([stackReport(a!, "failed")], { finishedAt: "2026-05-04T10:01:00.000Z" });
    const retry = report([stackReport(a!, "applied")], {
      startedAt: "2026-05-04T10:05:00.000Z",
      finishedAt: "2026-05-04T10:06:00.000Z",
    });
    expect(
      mergeReports([
        { file: "2.json", report: retry },
        { file: "1.json", report: first },
      ]).stacks.map((s) => s.status),
    ).toEqual(["applied"]);
  });

  it("without a plan, keeps the reports' waves and stacks", () => {
    const merged = mergeReports([
      {
        file: "1.json",
        report: report([stackReport(c!, "applied", { wave: "rest" })], {
          waves: [{ name: "rest", stacks: ["sei-c"] }],
          startedAt: "2026-05-04T10:00:30.000Z",
        }),
      },
      { file: "2.json", report: report([stackReport(a!, "applied", { wave: "canary" })]) },
    ]);
    expect(merged.stacks.map((s) => s.name)).toEqual(["sei-a", "sei-c"]);
    expect(merged.waves).toEqual([
      { name: "canary", stacks: ["sei-a"] },
      { name: "rest", stacks: ["sei-c"] },
    ]);
    expect(exitCodeOf(merged.stacks)).toBe(0);
  });

  it("exits 3 for drift alone, 1 as soon as a stack also failed (shell/exit.ts)", () => {
    expect(exitCodeOf([stackReport(a!, "drifted"), stackReport(b!, "no-changes")])).toBe(3);
    expect(exitCodeOf([stackReport(a!, "drifted"), stackReport(b!, "failed")])).toBe(1);
    expect(exitCodeOf([stackReport(a!, "no-changes"), stackReport(b!, "skipped")])).toBe(1);
  });

  it("refuses reports of different commands, and stacks the plan does not list", () => {
    const drift = report([stackReport(a!, "no-changes")], { command: "drift" });
    expect(() =>
      mergeReports([
        { file: "1.json", report: report([stackReport(b!, "applied")]) },
        { file: "2.json", report: drift },
      ]),
    ).toThrow("reports of different commands cannot be merged: 1.json (apply), 2.json (drift)");
    const stranger = stackReport(stack("zzz"), "applied");
    expect(() => mergeReports([{ file: "z.json", report: report([stranger]) }], plan)).toThrow(
      "reports for stacks the rollout plan does not list: sei-zzz",
    );
    expect(() => mergeReports([])).toThrow("no report to merge");
  });

  it("with a rollout plan, no report at all still gives a report: every stack unaccounted for", () => {
    const merged = mergeReports([], plan);
    expect(merged.stacks.map((s) => s.status)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
    expect([merged.command, merged.engine]).toEqual(["apply", null]);
    expect(reportSchema.parse(merged)).toEqual(merged);
    expect(renderMarkdown(merged)).toContain("engine unknown (no stack reported)");
  });
});

describe("reading a report back", () => {
  const dir = mkdtempSync(join(tmpdir(), "sei-fleet-report-"));

  it("round-trips the written report", () => {
    const written = report([stackReport(a!, "applied", { add: 3, timings: { initMs: 900, planMs: 2000 } })]);
    writeFileSync(join(dir, "ok.json"), formatReport(written));
    expect(readJsonFile(dir, "ok.json", reportSchema, "fleet report")).toEqual(written);
  });

  it("names file, line, column and field of what is wrong", () => {
    const bad = JSON.parse(formatReport(report([stackReport(a!, "applied")]))) as { stacks: Record<string, unknown>[] };
    bad.stacks[0]!.status = "done";
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad, null, 2));
    expect(() => readJsonFile(dir, "bad.json", reportSchema, "fleet report")).toThrow(
      /bad\.json:\d+:\d+: error: stacks\[0\]\.status: must be "no-changes" or .* not the text "done"/,
    );
    writeFileSync(join(dir, "broken.json"), '{ "schemaVersion": 1,');
    expect(() => readJsonFile(dir, "broken.json", reportSchema, "fleet report")).toThrow(/broken\.json:\d+:\d+: error/);
    expect(() => readJsonFile(dir, "missing.json", reportSchema, "fleet report")).toThrow(
      "missing.json: cannot read the fleet report",
    );
  });

  it("reads an artifact like an input file: never through a link, never quoting its content", () => {
    const secret = join(dir, "secret.txt");
    writeFileSync(secret, "SECRET-MARKER-7f3a");
    symlinkSync(secret, join(dir, "linked.json"));
    const message = (file: string) => {
      try {
        readJsonFile(dir, file, reportSchema, "fleet report");
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${file} was accepted`);
    };
    expect(message("linked.json")).toMatch(/^linked\.json: cannot read the fleet report: is a symbolic link/);
    // Past the loader's 64 KiB, JSON.parse reads it: its own message would quote the text around the fault.
    writeFileSync(join(dir, "large.json"), `{"schemaVersion": 1, "x": "${"a".repeat(70_000)}SECRET-MARKER-7f3a}`);
    expect(message("large.json")).toBe("large.json: error: the fleet report is not valid JSON");
    for (const file of ["linked.json", "large.json"]) expect(message(file)).not.toContain("SECRET-MARKER");
  });
});

describe("rendering", () => {
  const stacks = [
    stackReport(a!, "applied", { add: 2, change: 1, wave: "canary" }),
    stackReport(b!, "failed", { wave: "canary", error: 'apply: namespaces "sei-b" already exists' }),
    stackReport(c!, "drifted", {
      wave: "50%",
      drifted: ["kubernetes_namespace_v1.Tenancy_X", "kubernetes_resource_quota_v1.Tenancy_Quota_Y"],
    }),
    stackReport(d!, "skipped", { wave: "rest", error: "held: 1 stack(s) failed", log: null }),
  ];
  const r = report(stacks, { waves: plan.waves });

  it("markdown: counts, what needs attention with reason and log, and every stack", () => {
    const md = renderMarkdown(r);
    expect(md).toContain("## SEI fleet apply: 1 applied, 1 drifted, 1 failed, 1 skipped");
    expect(md).toContain(
      "OpenTofu 1.12.6 · 4 stack(s) in 3 wave(s) (canary, 50%, rest) · concurrency 1 · max failures 0",
    );
    expect(md).toContain(
      '| sei-b | medio | bh-1 | canary | failed | apply: namespaces "sei-b" already exists | `logs/sei-b.log` |',
    );
    expect(md).toContain(
      "| sei-c | pequeno-i | bh-2 | 50% | drifted | changed outside Terraform: `kubernetes_namespace_v1.Tenancy_X`, `kubernetes_resource_quota_v1.Tenancy_Quota_Y` |",
    );
    expect(md).toContain("| sei-a | a | pequeno-i | bh-1 | canary | applied | 2 | 1 | 0 | 1.0 s |");
    expect(md).toContain("**Skipped** (1): held: 1 stack(s) failed — sei-d");
    expect(md).not.toContain("| sei-d | pequeno-i | bh-1 | rest | skipped |");
    expect(md).not.toMatch(/\| sei-a \| pequeno-i \| bh-1 \| canary \| applied \|/);
  });

  it("markdown of plan and drift: no wave column (they have none)", () => {
    const drift = report(
      [stackReport(a!, "no-changes"), stackReport(c!, "drifted", { drifted: ["kubernetes_namespace_v1.Tenancy_X"] })],
      { command: "drift", maxFailures: null, waves: [] },
    );
    const md = renderMarkdown(drift);
    expect(md).toContain("| Stack | Tier | Cluster | Status | Detail | Log |");
    expect(md).toContain(
      "| sei-c | pequeno-i | bh-2 | drifted | changed outside Terraform: `kubernetes_namespace_v1.Tenancy_X` | `logs/sei-c.log` |",
    );
    expect(md).not.toContain("Wave");
  });

  it("JUnit: well-formed XML, a suite per wave, failures with their log, skipped stacks skipped", () => {
    const xml = renderJunit(
      r,
      new Map([["sei-b", 'Error: namespaces "sei-b" already exists\n\u001b[31mcolour\u0007 <&>']]),
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml) as {
      testsuites: {
        tests: string;
        failures: string;
        skipped: string;
        testsuite: { name: string; tests: string; testcase: unknown }[];
      };
    };
    expect([doc.testsuites.tests, doc.testsuites.failures, doc.testsuites.skipped]).toEqual(["4", "2", "1"]);
    expect(doc.testsuites.testsuite.map((s) => [s.name, s.tests])).toEqual([
      ["canary", "2"],
      ["50%", "1"],
      ["rest", "1"],
    ]);
    const canary = doc.testsuites.testsuite[0]!.testcase as {
      name: string;
      failure?: { type: string; message: string; "#text": string };
    }[];
    expect(canary[1]!.failure).toMatchObject({ type: "failed", message: 'apply: namespaces "sei-b" already exists' });
    expect(canary[1]!.failure!["#text"]).toContain("log: logs/sei-b.log");
    expect(canary[1]!.failure!["#text"]).toContain("\uFFFD[31mcolour\uFFFD <&>");
    expect(xml).toContain('<skipped message="held: 1 stack(s) failed"/>');
  });
});
