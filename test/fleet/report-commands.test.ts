import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FleetIo } from "../../fleet/io.ts";
import { fleetGate, fleetMerge } from "../../fleet/report-commands.ts";
import {
  REPORT_VERSION,
  formatReport,
  reportSchema,
  summarize,
  type FleetReport,
  type StackReport,
} from "../../fleet/report.ts";
import { formatRolloutPlan, rolloutPlan } from "../../fleet/rollout-plan.ts";
import { stack, stackReport } from "./support.ts";

const [a, b, c, d] = [stack("a"), stack("b", "medio"), stack("c"), stack("d")];
const plan = rolloutPlan(
  [
    { name: "canary", stacks: [a!, b!] },
    { name: "50%", stacks: [c!] },
    { name: "rest", stacks: [d!] },
  ],
  "0",
);

/** A folder as a CI job finds it: the rollout plan and the per-stack reports of the jobs that wrote one. */
function ciFolder(reports: StackReport[]): { io: FleetIo & { output: () => string } } {
  const cwd = mkdtempSync(join(tmpdir(), "sei-fleet-ci-"));
  writeFileSync(join(cwd, "fleet-plan.json"), formatRolloutPlan(plan));
  for (const r of reports) {
    // GitHub's download-artifact puts each artifact in a folder of its own.
    mkdirSync(join(cwd, "reports", r.name), { recursive: true });
    const report: FleetReport = {
      schemaVersion: REPORT_VERSION,
      command: "apply",
      selection: { municipalities: "municipalities", only: [r.name] },
      engine: { name: "opentofu", version: "1.12.6", path: "/usr/bin/tofu" },
      startedAt: "2026-05-04T10:00:00.000Z",
      finishedAt: "2026-05-04T10:01:00.000Z",
      concurrency: 4,
      maxFailures: "0",
      waves: [{ name: "canary", stacks: [r.name] }],
      summary: summarize([r]),
      stacks: [r],
    };
    writeFileSync(join(cwd, "reports", r.name, `${r.name}.json`), formatReport(report));
  }
  let output = "";
  const io = {
    cwd,
    env: {},
    live: false,
    out: (t: string) => void (output += t),
    err: (t: string) => void (output += t),
    output: () => output,
  };
  return { io };
}

describe("fleet report gate", () => {
  it("lets the next wave start while the waves before it stay within the budget", async () => {
    const { io } = ciFolder([stackReport(a!, "applied"), stackReport(b!, "no-changes")]);
    expect(await fleetGate({ files: ["reports"], plan: "fleet-plan.json", wave: 2, maxFailures: "0" }, io)).toBe(0);
    expect(io.output()).toContain(
      "gate: 0 failed or refused stack(s) of 2; --max-failures 0 (0): the next wave may start",
    );
  });

  it("holds the next wave past the budget, naming the failures", async () => {
    const { io } = ciFolder([
      stackReport(a!, "applied"),
      stackReport(b!, "refused", { error: "the plan deletes or replaces data-bearing resources: x" }),
    ]);
    expect(await fleetGate({ files: ["reports"], plan: "fleet-plan.json", wave: 2, maxFailures: "0" }, io)).toBe(1);
    expect(io.output()).toContain("  sei-b: refused: the plan deletes or replaces data-bearing resources: x");
    expect(await fleetGate({ files: ["reports"], plan: "fleet-plan.json", wave: 2, maxFailures: "1" }, io)).toBe(0);
  });

  it("counts a stack of an earlier wave without a report as failed: its job died", async () => {
    const { io } = ciFolder([stackReport(a!, "applied")]);
    expect(await fleetGate({ files: ["reports"], plan: "fleet-plan.json", wave: 2, maxFailures: "0" }, io)).toBe(1);
    expect(io.output()).toContain("sei-b: no report: its job died before writing one");
    // Nothing reported at all (every job died before npm ci finished, say): held too.
    const empty = ciFolder([]).io;
    expect(await fleetGate({ files: ["reports"], plan: "fleet-plan.json", wave: 2, maxFailures: "1" }, empty)).toBe(1);
  });

  it("refuses a wave the plan does not have, and a percentage without the plan", async () => {
    const { io } = ciFolder([stackReport(a!, "applied")]);
    expect(await fleetGate({ files: ["reports"], plan: "fleet-plan.json", wave: 9, maxFailures: "0" }, io)).toBe(2);
    expect(await fleetGate({ files: ["reports"], maxFailures: "5%" }, io)).toBe(2);
    expect(io.output()).toContain("--max-failures 5%: a percentage needs --plan");
  });
});

describe("fleet report merge", () => {
  it("writes the merged report, summary and JUnit; exits 1 when anything failed or was skipped", async () => {
    const { io } = ciFolder([stackReport(a!, "applied"), stackReport(b!, "applied"), stackReport(c!, "failed")]);
    const code = await fleetMerge(
      {
        files: ["reports"],
        plan: "fleet-plan.json",
        report: "out/fleet.json",
        summary: "out/fleet.md",
        junit: "out/fleet.xml",
      },
      io,
    );
    expect(code).toBe(1);
    const merged = reportSchema.parse(JSON.parse(readFileSync(join(io.cwd, "out/fleet.json"), "utf8")));
    expect(merged.stacks.map((s) => [s.name, s.wave, s.status])).toEqual([
      ["sei-a", "canary", "applied"],
      ["sei-b", "canary", "applied"],
      ["sei-c", "50%", "failed"],
      ["sei-d", "rest", "skipped"],
    ]);
    expect(readFileSync(join(io.cwd, "out/fleet.md"), "utf8")).toContain(
      "## SEI fleet apply: 2 applied, 1 failed, 1 skipped",
    );
    expect(readFileSync(join(io.cwd, "out/fleet.xml"), "utf8")).toContain('<testsuite name="50%"');
    expect(io.output()).toContain("merged 3 report(s): 4 stack(s): 2 applied, 1 failed, 1 skipped");
  });

  it("a file that is not a report: exit 2, with file, line, column and field", async () => {
    const { io } = ciFolder([stackReport(a!, "applied")]);
    writeFileSync(join(io.cwd, "reports", "broken.json"), '{\n  "schemaVersion": 2\n}\n');
    expect(await fleetMerge({ files: ["reports"], report: "x.json" }, io)).toBe(2);
    expect(io.output()).toMatch(/reports\/broken\.json:2:\d+: error: schemaVersion: /);
  });
});
