/**
 * The fleet commands run from any folder of the repository, as validate,
 * capacity and restore do: the real `sei-infra` started in a subfolder of a
 * project copy finds the root, its municipalities/ and its work folder, and
 * the paths typed there are relative to that subfolder.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seiInfra } from "../cli/run.ts";
import { projectCopy } from "./project.ts";

describe("fleet from a subfolder", () => {
  it("apply --dry-run: the root's municipalities, a --report beside the folder it was typed in", () => {
    const root = projectCopy();
    const fromRoot = seiInfra(["fleet", "apply", "--dry-run", "--waves", "canary,rest"], { cwd: root });
    const run = seiInfra(["fleet", "apply", "--dry-run", "--waves", "canary,rest", "--report", "waves.json"], {
      cwd: join(root, "tiers"),
    });
    expect(run.stderr).toBe(fromRoot.stderr);
    expect(run.stdout).toBe(fromRoot.stdout);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^wave 1 canary .*\nwave 2 rest .*\n\d+ stack\(s\) in 2 wave\(s\)/);
    expect(JSON.parse(readFileSync(join(root, "tiers", "waves.json"), "utf8"))).toHaveProperty("waves");
    expect(existsSync(join(root, "waves.json"))).toBe(false);
  });

  it("--municipalities is relative to where it is typed", () => {
    const root = projectCopy();
    const typed = seiInfra(["fleet", "apply", "--dry-run", "--municipalities", "../municipalities"], {
      cwd: join(root, "tiers"),
    });
    expect(typed.status).toBe(0);
    const wrong = seiInfra(["fleet", "apply", "--dry-run", "--municipalities", "municipalities"], {
      cwd: join(root, "tiers"),
    });
    expect(wrong.stderr).toBe("sei-infra fleet: municipalities folder tiers/municipalities: no such folder\n");
    expect(wrong.status).toBe(2);
  });

  it("emit: the output folder typed in a subfolder, the jobs' paths named from the root", () => {
    const root = projectCopy();
    const run = seiInfra(["fleet", "emit", "--engine", "gitlab", "--output", "ci", "--waves", "canary,rest"], {
      cwd: join(root, "tiers"),
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const pipeline = readFileSync(join(root, "tiers", "ci", "fleet-pipeline.yml"), "utf8");
    expect(pipeline).toContain("tiers/ci/fleet-plan.json");
    expect(existsSync(join(root, "ci"))).toBe(false);
  });

  it("outside any repository: a usage error that says where to run", () => {
    const run = seiInfra(["fleet", "apply", "--dry-run"], { cwd: "/" });
    expect(run.stderr).toBe(
      "sei-infra fleet: no platform.yaml in / or any folder above it: run sei-infra inside the repository\n",
    );
    expect(run.status).toBe(2);
  });
});
