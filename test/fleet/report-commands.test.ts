import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleetGate, fleetMerge } from "../../fleet/report-commands.ts";
import { formatReport, reportSchema, type StackReport } from "../../fleet/report.ts";
import { formatRolloutPlan, rolloutPlan } from "../../fleet/rollout-plan.ts";
import { collectingIo, type CollectingIo } from "./project.ts";
import { jobReport, stack, stackReport } from "./support.ts";

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
function ciFolder(reports: StackReport[]): { io: CollectingIo } {
  const cwd = mkdtempSync(join(tmpdir(), "sei-fleet-ci-"));
  writeFileSync(join(cwd, "fleet-plan.json"), formatRolloutPlan(plan));
  for (const r of reports) {
    // GitHub's download-artifact puts each artifact in a folder of its own.
    mkdirSync(join(cwd, "reports", r.name), { recursive: true });
    writeFileSync(join(cwd, "reports", r.name, `${r.name}.json`), formatReport(jobReport(r)));
  }
  return { io: collectingIo(cwd) };
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

/**
 * Reports are CI artifacts: whoever can push a branch shapes them. Each hostile
 * case below is refused, and no secret, link target or escape gets through.
 */
describe("fleet report merge: a forged report or artifact folder", () => {
  const SECRET = "TF_VAR_sei_state_passphrase=hunter2";
  const failedWithLog = (log: string) => stackReport(c!, "failed", { log });
  async function junitOf(io: CollectingIo, logs = "logs"): Promise<string> {
    await fleetMerge({ files: ["reports"], plan: "fleet-plan.json", logs, junit: "out/fleet.xml" }, io);
    return readFileSync(join(io.cwd, "out/fleet.xml"), "utf8");
  }

  it("quotes the end of a log under the logs folder, and only its last lines", async () => {
    const { io } = ciFolder([failedWithLog("logs/sei-c.log")]);
    mkdirSync(join(io.cwd, "logs"));
    const log = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n");
    writeFileSync(join(io.cwd, "logs/sei-c.log"), log);
    const junit = await junitOf(io);
    expect(junit).toContain("--- end of the log ---\nline 4940\n");
    expect(junit).toContain("line 4999</failure>");
    expect(junit).not.toContain("line 4939\n");
  });

  it.each([
    ["/proc/self/environ", "is not under the logs folder"],
    ["secret.txt", "is not under the logs folder"],
    ["logs/../secret.txt", "is not under the logs folder"],
  ])("refuses a log outside the logs folder: %s", async (log, reason) => {
    const { io } = ciFolder([failedWithLog(log)]);
    mkdirSync(join(io.cwd, "logs"));
    writeFileSync(join(io.cwd, "secret.txt"), SECRET);
    const junit = await junitOf(io);
    expect(junit).toContain(`(log not quoted: ${log} ${reason}`);
    expect(junit).not.toContain("hunter2");
    expect(junit).not.toMatch(/PATH=|HOME=/);
  });

  it("looks for a log that is not where its report says at <logs>/<stack>.log, under the same rules", async () => {
    const { io } = ciFolder([
      failedWithLog("/proc/self/environ"),
      stackReport(d!, "failed", { log: "gone/sei-d.log" }),
    ]);
    mkdirSync(join(io.cwd, "logs"));
    writeFileSync(join(io.cwd, "secret.txt"), SECRET);
    symlinkSync(join(io.cwd, "secret.txt"), join(io.cwd, "logs/sei-c.log"));
    writeFileSync(join(io.cwd, "logs/sei-d.log"), "Error: the end of sei-d's log\n");
    const junit = await junitOf(io);
    expect(junit).toContain("(log not quoted: logs/sei-c.log: is a symbolic link; links are not followed");
    expect(junit).toContain("--- end of the log ---\nError: the end of sei-d's log");
    expect(junit).not.toContain("hunter2");
    expect(junit).not.toMatch(/PATH=|HOME=/);
  });

  it("refuses a log that is a link, or under a linked folder, whatever it points to", async () => {
    const { io } = ciFolder([
      failedWithLog("logs/sei-c.log"),
      stackReport(d!, "failed", { log: "logs/out/sei-d.log" }),
    ]);
    mkdirSync(join(io.cwd, "logs"));
    writeFileSync(join(io.cwd, "secret.txt"), SECRET);
    symlinkSync(join(io.cwd, "secret.txt"), join(io.cwd, "logs/sei-c.log"));
    const outside = mkdtempSync(join(tmpdir(), "sei-fleet-outside-"));
    writeFileSync(join(outside, "sei-d.log"), SECRET);
    symlinkSync(outside, join(io.cwd, "logs/out"));
    const junit = await junitOf(io);
    expect(junit).toContain("(log not quoted: logs/sei-c.log: is a symbolic link; links are not followed");
    expect(junit).toContain(
      "(log not quoted: logs/out/sei-d.log: is reached through a symbolic link that leads outside",
    );
    expect(junit).not.toContain("hunter2");
  });

  it("refuses a FIFO as a log without waiting on it, and a folder", async () => {
    const { io } = ciFolder([failedWithLog("logs/sei-c.log"), stackReport(d!, "failed", { log: "logs/sei-d.log" })]);
    mkdirSync(join(io.cwd, "logs/sei-d.log"), { recursive: true });
    execFileSync("mkfifo", [join(io.cwd, "logs/sei-c.log")]);
    const junit = await junitOf(io);
    expect(junit).toContain("(log not quoted: logs/sei-c.log: is a FIFO (named pipe), not a regular file");
    expect(junit).toContain("(log not quoted: logs/sei-d.log: is a folder, not a file)");
  });

  it("quotes no log at all by default but under the work folder", async () => {
    const { io } = ciFolder([failedWithLog("secret.txt")]);
    writeFileSync(join(io.cwd, "secret.txt"), SECRET);
    await fleetMerge({ files: ["reports"], junit: "x.xml" }, io);
    expect(readFileSync(join(io.cwd, "x.xml"), "utf8")).toContain(
      `(log not quoted: secret.txt is not under the logs folder ${join(io.cwd, ".sei-fleet")})`,
    );
  });

  it("never writes through a link planted at the name of the temporary file", async () => {
    const { io } = ciFolder([stackReport(a!, "applied")]);
    const victim = join(io.cwd, "victim.txt");
    writeFileSync(victim, "untouched");
    mkdirSync(join(io.cwd, "out"));
    symlinkSync(victim, join(io.cwd, `out/fleet.json.${process.pid}.tmp`));
    expect(await fleetMerge({ files: ["reports"], report: "out/fleet.json" }, io)).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("untouched");
    expect(reportSchema.parse(JSON.parse(readFileSync(join(io.cwd, "out/fleet.json"), "utf8"))).stacks).toHaveLength(1);
  });

  it("refuses a link or a FIFO at the report's own name, and leaves it as it is", async () => {
    const { io } = ciFolder([stackReport(a!, "applied")]);
    const victim = join(io.cwd, "victim.txt");
    writeFileSync(victim, "untouched");
    symlinkSync(victim, join(io.cwd, "fleet.json"));
    expect(await fleetMerge({ files: ["reports"], report: "fleet.json" }, io)).toBe(2);
    expect(io.output()).toContain("fleet.json: is a symbolic link; links are not followed");
    expect(lstatSync(join(io.cwd, "fleet.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(victim, "utf8")).toBe("untouched");
    execFileSync("mkfifo", [join(io.cwd, "fleet.xml")]);
    expect(await fleetMerge({ files: ["reports"], junit: "fleet.xml" }, io)).toBe(2);
    expect(io.output()).toContain("fleet.xml: is a FIFO (named pipe), not a regular file");
    expect(lstatSync(join(io.cwd, "fleet.xml")).isFIFO()).toBe(true);
  });

  it("refuses an output folder reached through a link that leads out of the project", async () => {
    const { io } = ciFolder([stackReport(a!, "applied")]);
    const outside = mkdtempSync(join(tmpdir(), "sei-fleet-outside-"));
    symlinkSync(outside, join(io.cwd, "out"));
    expect(await fleetMerge({ files: ["reports"], report: "out/fleet.json" }, io)).toBe(2);
    expect(io.output()).toContain("cannot write out/fleet.json: is reached through a symbolic link that leads outside");
    expect(readdirSync(outside)).toEqual([]);
  });

  it("refuses a linked report folder or report file instead of following it", async () => {
    const outside = mkdtempSync(join(tmpdir(), "sei-fleet-outside-"));
    const linkedFolder = ciFolder([stackReport(a!, "applied")]).io;
    symlinkSync(outside, join(linkedFolder.cwd, "reports/elsewhere"));
    expect(await fleetMerge({ files: ["reports"], report: "x.json" }, linkedFolder)).toBe(2);
    expect(linkedFolder.output()).toContain("reports/elsewhere: is a symbolic link; links are not followed");
    const linkedFile = ciFolder([stackReport(a!, "applied")]).io;
    symlinkSync(join(linkedFile.cwd, "reports/sei-a/sei-a.json"), join(linkedFile.cwd, "reports/other.json"));
    expect(await fleetMerge({ files: ["reports"], report: "x.json" }, linkedFile)).toBe(2);
    expect(linkedFile.output()).toContain("reports/other.json: is a symbolic link; links are not followed");
    const linkedArgument = ciFolder([stackReport(a!, "applied")]).io;
    symlinkSync(join(linkedArgument.cwd, "reports"), join(linkedArgument.cwd, "linked"));
    expect(await fleetMerge({ files: ["linked"], report: "x.json" }, linkedArgument)).toBe(2);
  });

  it("refuses a stack name that is not a DNS label (escapes, markup)", async () => {
    const { io } = ciFolder([stackReport(a!, "applied", { name: "sei-a\u001b]0;pwned\u0007" })]);
    expect(await fleetMerge({ files: ["reports"], report: "x.json" }, io)).toBe(2);
    expect(io.output()).toMatch(/:38:15: error: stacks\[0\]\.name: must be lower-case letters, digits and hyphens/);
    expect(io.output()).not.toContain("\u001b");
  });

  it("escapes a report's free text on the terminal and in the markdown", async () => {
    const error =
      "\u001b[2J\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 <img src=x onerror=alert(1)> [link](https://evil.example) ![i](https://evil.example/x.png) `code` | cell";
    const { io } = ciFolder([stackReport(a!, "applied"), stackReport(b!, "refused", { error, drifted: ["x`<b>"] })]);
    expect(await fleetGate({ files: ["reports"], plan: "fleet-plan.json", wave: 2, maxFailures: "0" }, io)).toBe(1);
    expect(io.output()).toContain("sei-b: refused: \\u001b[2J\\u001b]8;;https://evil.example\\u0007click");
    expect(io.output()).not.toContain("\u001b");
    await fleetMerge({ files: ["reports"], plan: "fleet-plan.json", summary: "x.md" }, io);
    const markdown = readFileSync(join(io.cwd, "x.md"), "utf8");
    // No escape sequence, HTML, link, image or code span of its own: each is shown as text.
    expect(markdown).not.toContain("\u001b");
    expect(markdown).not.toMatch(/<img|(?<!\\)\]\(|(?<!\\)`code/);
    expect(markdown).toContain("&lt;img src=x onerror=alert(1)&gt; \\[link\\](https://evil.example) \\!\\[i\\]");
    expect(markdown).toContain("\\`code\\` \\| cell");
  });
});
