/**
 * End to end: the GitLab child pipeline `sei-infra fleet emit --engine gitlab`
 * writes, run for real by gitlab-ci-local (shell executor) in a clone of the
 * workspace at another path than the one that emitted it, against the local
 * API server and PostgreSQL: plan (the saved plans, encrypted), the manual
 * approval, then each stack job applying its saved plan. The jobs inherit the
 * suite's environment (kubeconfig, state connection) and OpenTofu with the
 * state passphrase, as a runner's CI/CD variables would provide them.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportSchema, type FleetReport } from "../../fleet/report.ts";
import { addCommandLine, createFleetWorkspace, type FleetMunicipality } from "../../scripts/lib/e2e-workspace.ts";
import { fleet } from "./fleet-support.ts";
import { kubectl, requireEnv, run, storageClassManifests } from "./support.ts";

/** Where the pipeline was emitted, and the clone at another path where it runs. */
let emittedIn: string;
let dir: string;
let municipalities: FleetMunicipality[];
let canary: string[];
let later: string[];

/** OpenTofu and the state passphrase, as masked CI/CD variables give them to the jobs. */
const engineEnv = {
  TERRAFORM_BINARY_NAME: requireEnv("SEI_E2E_TOFU"),
  TF_VAR_sei_state_passphrase: randomBytes(24).toString("base64url"),
};

/** The whole pipeline, or the jobs named; `--manual approve` is the person who approves. */
function gitlabCiLocal(...jobs: string[]) {
  return run("npx", ["gitlab-ci-local", "--file", "ci/fleet-pipeline.yml", "--no-color", ...jobs], {
    cwd: dir,
    env: engineEnv,
  });
}

const merged = (): FleetReport => reportSchema.parse(JSON.parse(readFileSync(join(dir, "fleet-report.json"), "utf8")));

describe("the emitted GitLab pipeline, run by gitlab-ci-local", () => {
  beforeAll(async () => {
    requireEnv("PG_CONN_STR");
    // Municipalities after those of fleet.test.ts, so the two files never share a stack.
    // Saved plans hold every password: the pipeline's plans exist only encrypted.
    ({ dir: emittedIn, municipalities } = createFleetWorkspace(
      { "pequeno-i": 3 },
      { "pequeno-i": 8 },
      { stateEncryption: true },
    ));
    dir = emittedIn;
    addCommandLine(dir);
    await kubectl(["apply", "-f", "-"], storageClassManifests().join("\n---\n"));
    const emitted = await fleet(
      dir,
      [
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
      ],
      engineEnv,
    );
    expect(emitted.code, emitted.output).toBe(0);
    const pipeline = parse(readFileSync(join(dir, "ci", "fleet-pipeline.yml"), "utf8")) as Record<
      string,
      { stage?: string }
    >;
    canary = Object.keys(pipeline).filter((job) => pipeline[job]!.stage === "wave-1");
    later = Object.keys(pipeline).filter((job) => pipeline[job]!.stage === "wave-2");
    expect([canary.length, later.length]).toEqual([2, 1]);
    // gitlab-ci-local reads the project from git; the runner's checkout is a clone at another path.
    const git = (...args: string[]) => execFileSync("git", args, { cwd: emittedIn, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=sei", "-c", "user.email=sei@example.org", "commit", "-q", "-m", "fleet");
    dir = `${emittedIn}-runner-checkout`;
    execFileSync("git", ["clone", "-q", emittedIn, dir], { stdio: "pipe" });
    // A remote as a GitLab project has one (gitlab-ci-local derives the project's variables from it).
    execFileSync("git", ["remote", "set-url", "origin", "https://gitlab.example.org/sei/municipios-infra.git"], {
      cwd: dir,
      stdio: "pipe",
    });
  });

  afterAll(() => {
    if (process.env.SEI_E2E_KEEP === "1") return;
    for (const folder of [emittedIn, dir]) rmSync(folder, { recursive: true, force: true });
  });

  it("a failed canary: its wave goes on, the gate holds the next wave, the report job merges what ran", async () => {
    const failing = canary[0]!;
    await kubectl(["create", "namespace", failing]);
    const result = await gitlabCiLocal("--manual", "approve");
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

  it("plan, then the approval, then the saved plans applied: every stack applied or unchanged, one merged report", async () => {
    // The plan job alone: the saved plans and their summary, and nothing applied.
    const planned = await gitlabCiLocal("fleet-plan");
    expect(planned.code, planned.output).toBe(0);
    expect(planned.output).toMatch(/fleet-plan +> ## SEI fleet plan: 1 no-changes, 2 changes/);
    const saved = readdirSync(join(dir, "fleet-plans")).sort();
    expect(saved).toEqual(
      [
        `${canary[0]}.json`,
        `${canary[0]}.tfplan`,
        `${canary[1]}.json`,
        `${later[0]}.json`,
        `${later[0]}.tfplan`,
        "summary.md",
      ].sort(),
    );
    // Encrypted (OpenTofu's encrypted envelope, not a plan archive), although it holds the prior state's passwords.
    expect(readFileSync(join(dir, "fleet-plans", `${canary[0]}.tfplan`), "utf8")).toMatch(/^\{"meta":/);
    expect(await kubectl(["get", "namespace", later[0]!, "--ignore-not-found", "-o", "name"])).toBe("");

    // Approved: the later stages run on the plan job's artifacts, each stack job applying its saved plan.
    const approved = await gitlabCiLocal(
      "--manual",
      "approve",
      "approve",
      ...canary,
      "gate-2",
      ...later,
      "fleet-report",
    );
    expect(approved.code, approved.output).toBe(0);
    expect(approved.output).toMatch(/--plans fleet-plans: 1 plan\(s\) to apply, 0 without changes/);
    const report = merged();
    expect(report.stacks.map((s) => [s.name, s.status])).toEqual([
      [canary[0], "applied"],
      [canary[1], "no-changes"],
      [later[0], "applied"],
    ]);
    expect(report.summary).toMatchObject({ applied: 2, "no-changes": 1, failed: 0, skipped: 0 });
    for (const name of [...canary, ...later])
      expect((await kubectl(["get", "namespace", name, "-o", "name"])).trim()).toBe(`namespace/${name}`);
    expect(existsSync(join(emittedIn, "fleet-plans"))).toBe(false);
  });
});
