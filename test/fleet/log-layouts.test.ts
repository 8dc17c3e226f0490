/**
 * `fleet report merge` quotes a failed stack's log tail in each layout the
 * emitted pipelines leave behind: the stack jobs run `fleet apply --logs DIR`
 * somewhere, and the merge job finds their reports and logs elsewhere
 * (GitLab: the same paths; GitHub: download-artifact's folder; k8s: the
 * reports claim, from another working folder). The merge options are read
 * from the emitted files, so a change to an emitter that loses the logs fails here.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { emitGithub } from "../../fleet/emit/github.ts";
import { emitGitlab } from "../../fleet/emit/gitlab.ts";
import type { EmitOptions } from "../../fleet/emit/jobs.ts";
import { emitK8sJobs } from "../../fleet/emit/k8s-job.ts";
import { fleetMerge } from "../../fleet/report-commands.ts";
import { formatReport } from "../../fleet/report.ts";
import { formatRolloutPlan, rolloutPlan } from "../../fleet/rollout-plan.ts";
import { parseFailureBudget } from "../../fleet/waves.ts";
import { collectingIo } from "./project.ts";
import { jobReport, stack, stackReport } from "./support.ts";

const failing = stack("c");
const options: EmitOptions = {
  waves: [{ name: "canary", stacks: [failing] }],
  concurrency: 1,
  budget: parseFailureBudget("0"),
  failuresAllowed: 0,
  planFile: "ci/fleet-plan.json",
  setup: ["npm ci"],
  image: "registry.example/sei-fleet:1",
  driftSchedule: "17 3 * * *",
  drill: { schedule: "43 5 * * *" },
};

/** `--logs` and the reports folder of the emitted `fleet report merge` command. */
function mergeArguments(text: string): { reports: string; logs: string } {
  const match = /fleet report merge (\S+) .*?--logs (\S+)/.exec(text);
  if (!match) throw new Error(`no fleet report merge command in:\n${text}`);
  return { reports: match[1]!, logs: match[2]! };
}

/** The folder of `--report`, and `--logs`, of the emitted per-stack `fleet apply`. */
function applyArguments(text: string): { report: string; logs: string } {
  const match = /fleet apply --yes --only .+? --report (\S+)\/.*? --logs (\S+)/.exec(text);
  if (!match) throw new Error(`no fleet apply command in:\n${text}`);
  return { report: match[1]!, logs: match[2]! };
}

interface Layout {
  /** The stack job's working folder and the merge job's, as paths of one file system (a temporary root). */
  readonly jobCwd: string;
  readonly mergeCwd: string;
  /** Where a file the job wrote at `path` (relative to its working folder, or absolute) is for the merge job. */
  readonly landed: (path: string) => string;
  readonly text: string;
}

const github = emitGithub(options);
const k8sText = [...emitK8sJobs(options, "{}").values()].join("\n");
// The reports' download (by pattern), not the stack jobs' download of the saved plans.
const downloadPath = /download-artifact@v4\n\s+with:\n\s+pattern: \S+\n\s+path: (\S+)/.exec(github)![1]!;
const layouts: Record<string, Layout> = {
  // Artifacts come back at the paths the jobs wrote them.
  gitlab: { jobCwd: "/repo", mergeCwd: "/repo", landed: (p) => join("/repo", p), text: emitGitlab(options) },
  // upload-artifact keeps the paths below the common folder of the uploaded paths (the checkout);
  // download-artifact puts every artifact below its `path`.
  github: { jobCwd: "/repo", mergeCwd: "/repo", landed: (p) => join("/repo", downloadPath, p), text: github },
  // Every pod works in the image's project (/work) and writes to the claim mounted below it; the merge
  // Job runs in the claim's folder.
  "k8s-job": {
    jobCwd: "/work",
    mergeCwd: /^\s*cd (\S+)$/m.exec(k8sText)![1]!,
    landed: (p) => resolve("/work", p),
    text: k8sText,
  },
};

describe("fleet report merge finds the log tails of every emitted layout", () => {
  it.each(Object.entries(layouts))("%s", async (_, layout) => {
    const root = mkdtempSync(join(tmpdir(), "sei-fleet-layout-"));
    const at = (path: string) => join(root, path);
    const apply = applyArguments(layout.text);
    // The stack job's report names its log relative to where the job ran, as fleet apply writes it.
    const log = relative(layout.jobCwd, resolve(layout.jobCwd, apply.logs, `${failing.name}.log`));
    const failed = stackReport(failing, "failed", { log, error: "apply: boom" });
    // What the merge job finds.
    const reportFile = at(layout.landed(`${apply.report}/${failing.name}.json`));
    const logFile = at(layout.landed(log));
    for (const file of [reportFile, logFile]) mkdirSync(dirname(file), { recursive: true });
    writeFileSync(reportFile, formatReport(jobReport(failed)));
    writeFileSync(logFile, "init ok\nError: the last line of the engine\n");
    writeFileSync(at(`${layout.mergeCwd}/fleet-plan.json`), formatRolloutPlan(rolloutPlan(options.waves, "0")));

    const merge = mergeArguments(layout.text);
    const io = collectingIo(at(layout.mergeCwd));
    const code = await fleetMerge(
      { files: [merge.reports], plan: "fleet-plan.json", logs: merge.logs, junit: "fleet.xml" },
      io,
    );
    expect(code, io.output()).toBe(1);
    const junit = readFileSync(at(`${layout.mergeCwd}/fleet.xml`), "utf8");
    expect(junit).toContain("--- end of the log ---\ninit ok\nError: the last line of the engine");
  });
});
