/**
 * The CI recipes of docs/ci/, one source each: the GitHub workflows pass
 * actionlint with shellcheck on their scripts, the GitLab jobs' script lines
 * pass shellcheck and the jobs pass gitlab-ci-local's check against GitLab's
 * CI schema; README and docs point to them instead of keeping copies. Each
 * check is also shown to fail on a broken recipe.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../load/support.ts";

const CI = join(REPO_ROOT, "docs", "ci");
const recipes = (engine: string) => readdirSync(join(CI, engine)).filter((name) => name.endsWith(".yml"));
const scratch = mkdtempSync(join(tmpdir(), "sei-ci-recipes-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("GitHub recipes", () => {
  const actionlint = execFileSync("bash", [join(REPO_ROOT, "scripts/tools/actionlint.sh")], {
    encoding: "utf8",
    timeout: 600_000,
  }).trim();
  const lint = (name: string, text: string) => {
    const file = join(scratch, `github-${name}`);
    writeFileSync(file, text);
    return spawnSync(actionlint, ["-no-color", "-shellcheck=shellcheck", "-pyflakes=", file], { encoding: "utf8" });
  };

  it.each(recipes("github"))("%s passes actionlint and shellcheck", (name) => {
    const result = lint(name, readFileSync(join(CI, "github", name), "utf8"));
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("shellcheck runs inside actionlint: the old capacity recipe's exit is SC2242", () => {
    const old = readFileSync(join(CI, "github", "capacity.yml"), "utf8").replace(
      /env:\n\s+STATUS: (\$\{\{ steps\.capacity\.outputs\.exit \}\})\n\s+run: exit "\$STATUS"/,
      'run: exit "$1"',
    );
    expect(old).toContain('run: exit "${{ steps.capacity.outputs.exit }}"');
    expect(lint("old-capacity.yml", old).stdout).toContain("SC2242");
  });
});

describe("GitLab recipes", () => {
  /** The job's script lines as GitLab runs them: one bash session, line after line. */
  const shellcheck = (name: string, text: string) => {
    const jobs = parse(text) as Record<string, { script?: string[] }>;
    const lines = Object.values(jobs).flatMap((job) => job.script ?? []);
    const file = join(scratch, `gitlab-${name}.sh`);
    writeFileSync(file, `#!/usr/bin/env bash\n${lines.join("\n")}\n`);
    return spawnSync("shellcheck", ["--format=gcc", file], { encoding: "utf8" });
  };
  /** gitlab-ci-local's check of the pipeline against GitLab's CI schema, in a git checkout that includes the recipe. */
  const preview = (name: string, text: string) => {
    const project = join(scratch, `gitlab-${name}-project`);
    mkdirSync(join(project, "docs", "ci", "gitlab"), { recursive: true });
    writeFileSync(join(project, "docs", "ci", "gitlab", name), text);
    writeFileSync(join(project, ".gitlab-ci.yml"), `stages: [test]\ninclude:\n  - local: docs/ci/gitlab/${name}\n`);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: project });
    git("init", "-q");
    git("add", "-A");
    git("-c", "user.email=ci@example.org", "-c", "user.name=ci", "-c", "commit.gpgsign=false", "commit", "-qm", "x");
    return spawnSync(join(REPO_ROOT, "node_modules", ".bin", "gitlab-ci-local"), ["--preview", "--no-color"], {
      cwd: project,
      encoding: "utf8",
      timeout: 120_000,
    });
  };

  it.each(recipes("gitlab"))("%s: its script lines pass shellcheck", (name) => {
    const result = shellcheck(name, readFileSync(join(CI, "gitlab", name), "utf8"));
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("shellcheck does fail a broken script line", () => {
    const text = readFileSync(join(CI, "gitlab", "capacity.yml"), "utf8").replace('exit "$status"', "exit $status foo");
    expect(shellcheck("broken.yml", text).status).not.toBe(0);
  });

  it.each(recipes("gitlab"))(
    "%s passes GitLab's CI schema (gitlab-ci-local --preview)",
    (name) => {
      const result = preview(name, readFileSync(join(CI, "gitlab", name), "utf8"));
      expect(result.stderr + result.stdout).not.toContain("Invalid .gitlab-ci.yml");
      expect(result.status).toBe(0);
    },
    120_000,
  );

  it("gitlab-ci-local does fail a job the schema refuses", () => {
    const text = readFileSync(join(CI, "gitlab", "capacity.yml"), "utf8").replace("when: always", "when: sometimes");
    const result = preview("broken.yml", text);
    expect(result.stderr + result.stdout).toContain("Invalid .gitlab-ci.yml");
    expect(result.status).not.toBe(0);
  }, 120_000);
});

describe("README and docs point to the recipes", () => {
  it.each(["README.md", "docs/validate.md", "docs/capacity.md"])("%s keeps no copy of a recipe", (file) => {
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    expect(text).not.toMatch(/runs-on:|\.github\/workflows\/[a-z-]+\.yml\n/);
    expect(text).toMatch(/docs\/ci\/|\(ci\/|ci\/README\.md/);
  });
});
