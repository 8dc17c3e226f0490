/**
 * End to end: the GitLab child pipeline `sei-infra fleet emit --engine gitlab`
 * writes, run for real by gitlab-ci-local (shell executor) in a checkout of a
 * workspace, against the local API server and PostgreSQL. The jobs inherit
 * the suite's environment (kubeconfig, state connection, engine), as a
 * runner's CI/CD variables would provide it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportSchema, type FleetReport } from "../../fleet/report.ts";
import { addCommandLine, createFleetWorkspace, type FleetMunicipality } from "../../scripts/lib/e2e-workspace.ts";
import { fleet } from "./fleet-support.ts";
import { kubectl, requireEnv, run, storageClassManifests } from "./support.ts";

let dir: string;
let municipalities: FleetMunicipality[];
let canary: string[];
let later: string[];

/** The whole pipeline, or the jobs named. */
function gitlabCiLocal(...jobs: string[]) {
  return run("npx", ["gitlab-ci-local", "--file", "ci/fleet-pipeline.yml", "--no-color", ...jobs], { cwd: dir });
}

const merged = (): FleetReport => reportSchema.parse(JSON.parse(readFileSync(join(dir, "fleet-report.json"), "utf8")));

describe("the emitted GitLab pipeline, run by gitlab-ci-local", () => {
  beforeAll(async () => {
    requireEnv("PG_CONN_STR");
    // Municipalities after those of fleet.test.ts, so the two files never share a stack.
    ({ dir, municipalities } = createFleetWorkspace({ "pequeno-i": 3 }, { "pequeno-i": 8 }));
    addCommandLine(dir);
    await kubectl(["apply", "-f", "-"], storageClassManifests().join("\n---\n"));
    const emitted = await fleet(dir, [
      "emit",
      "--engine",
      "gitlab",
      "--output",
      "ci",
      "--waves",
      "canary,rest",
      "--max-failures",
      "0",
      "--setup",
      "node --version",
    ]);
    expect(emitted.code, emitted.output).toBe(0);
    const pipeline = parse(readFileSync(join(dir, "ci", "fleet-pipeline.yml"), "utf8")) as Record<
      string,
      { stage?: string }
    >;
    canary = Object.keys(pipeline).filter((job) => pipeline[job]!.stage === "wave-1");
    later = Object.keys(pipeline).filter((job) => pipeline[job]!.stage === "wave-2");
    expect([canary.length, later.length]).toEqual([2, 1]);
    // gitlab-ci-local reads the project from git.
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=sei", "-c", "user.email=sei@example.org", "commit", "-q", "-m", "fleet");
  });

  afterAll(() => {
    if (process.env.SEI_E2E_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
  });

  it("a failed canary: its wave goes on, the gate holds the next wave, the report job merges what ran", async () => {
    const failing = canary[0]!;
    await kubectl(["create", "namespace", failing]);
    const result = await gitlabCiLocal();
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toMatch(
      new RegExp(`gate-2 +> +${failing}: failed: apply: namespaces "${failing}" already exists`),
    );
    expect(result.output).not.toMatch(new RegExp(`${later[0]} +starting`));
    // GitLab then runs the report job (when: always). gitlab-ci-local never starts a job that comes after
    // skipped ones (it waits for them to finish), so it is run by name, on the artifacts of the run above.
    const merging = await gitlabCiLocal("fleet-report");
    expect(merging.code).not.toBe(0);
    const report = merged();
    expect(report.stacks.map((s) => [s.name, s.wave, s.status])).toEqual([
      ...canary.map((name) => [name, "canary", name === failing ? "failed" : "applied"]),
      ...later.map((name) => [name, "rest", "skipped"]),
    ]);
    expect(report.stacks.find((s) => s.name === later[0])!.error).toBe(
      "no report: the wave did not run (held or cancelled), or all its jobs died first",
    );
    const junit = readFileSync(join(dir, "fleet-report.junit.xml"), "utf8");
    expect(junit).toContain(`name="${failing}"`);
    // The failed stack's log, an artifact of its job, is quoted from under --logs fleet-logs.
    expect(junit).toMatch(/--- end of the log ---\n[^]*already exists/);
    expect(municipalities).toHaveLength(3);
    await kubectl(["delete", "namespace", failing, "--wait=true", "--timeout=120s"]);
  });

  it("the whole pipeline once nothing is in the way: every stack applied or unchanged, one merged report", async () => {
    const result = await gitlabCiLocal();
    expect(result.code, result.output).toBe(0);
    const report = merged();
    expect(report.stacks.map((s) => [s.name, s.status])).toEqual([
      [canary[0], "applied"],
      [canary[1], "no-changes"],
      [later[0], "applied"],
    ]);
    expect(report.summary).toMatchObject({ applied: 2, "no-changes": 1, failed: 0, skipped: 0 });
    for (const name of [...canary, ...later])
      expect((await kubectl(["get", "namespace", name, "-o", "name"])).trim()).toBe(`namespace/${name}`);
  });
});
