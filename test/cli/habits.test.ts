/**
 * The habits every sei-infra command shares: --version, help with examples,
 * environment and exit codes, "did you mean" for every enumerated value, the
 * format names people type, and no option that silently does nothing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { processIo } from "../../shell/io.ts";
import { createProgram } from "../../cli/main.ts";
import { FixtureRepo, official } from "../../scripts/lib/fleet-repo.ts";
import { REPO_ROOT, seiInfra } from "./run.ts";

/** Every command that runs something, as typed after `sei-infra`. */
function runnable(command: Command, path: readonly string[] = []): { path: string; help: string }[] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    const own = sub.commands.length === 0 ? [{ path: here.join(" "), help: sub.helpInformation() }] : [];
    return [...own, ...runnable(sub, here)];
  });
}

describe("sei-infra --version", () => {
  it("prints the version of package.json and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    const run = seiInfra(["--version"]);
    expect(run.stdout).toBe(`${version}\n`);
    expect(run.status).toBe(0);
  });
});

describe("every command's help", () => {
  const program = createProgram(processIo(), () => undefined);
  const commands = runnable(program);
  it.each(commands.map((c) => [c.path, c] as const))("%s: an example, the environment it reads, exit codes", (path) => {
    // addHelpText is printed by outputHelp, not helpInformation: run the real --help.
    const help = seiInfra([...path.split(" "), "--help"]).stdout;
    expect(help).toMatch(new RegExp(`\\nExamples:\\n(  sei-infra ${path}\\b.*\\n)+`));
    expect(help).toMatch(/\nEnvironment:\n( {2}\S.*\n)+/);
    expect(help).toMatch(/\nExit codes:\n {2}0 /);
  });
  it("covers every command", () => {
    expect(commands.map((c) => c.path)).toEqual(
      expect.arrayContaining(["validate", "new", "capacity", "fleet plan", "fleet apply", "restore"]),
    );
  });
});

describe("did you mean, for enumerated values", () => {
  it.each([
    [["new", "--ibge", "3168804", "--tier", "pequeno-1"], 'did you mean "pequeno-i"?'],
    [["validate", "--format", "jsn"], 'did you mean "json"?'],
    [["capacity", "--format", "markdwn"], 'did you mean "markdown"?'],
    [["fleet", "emit", "--engine", "githb"], 'did you mean "github"?'],
    [["fleet", "plan", "--phase", "prodution"], 'did you mean "production"?'],
    [["fleet", "plan", "--tier", "grand"], 'did you mean "grande"?'],
  ])("%j", (args, suggestion) => {
    const run = seiInfra(args);
    expect(run.stderr).toContain(suggestion);
    expect(run.status).toBe(2);
  });
});

describe("--concurrency takes a whole number from 1, quoted as typed", () => {
  it.each([
    [["fleet", "plan"], "0"],
    [["fleet", "drift"], "x"],
    [["fleet", "apply", "--dry-run"], "1.5"],
    [["fleet", "emit", "--engine", "github", "--output", "ci"], "-2"],
  ])("%j --concurrency %s", (args, typed) => {
    const run = seiInfra([...args, "--concurrency", typed]);
    expect(run.stderr).toContain(`argument '${typed}' is invalid. Give a whole number from 1`);
    expect(run.status).toBe(2);
  });
});

describe("format names people type", () => {
  it("capacity --format md is markdown", () => {
    const run = seiInfra(["capacity", "--format", "md"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(seiInfra(["capacity", "--format", "markdown"]).stdout);
  });
  it("validate --format gh is github, txt is text", () => {
    expect(seiInfra(["validate", "--format", "gh"]).stdout).toBe(seiInfra(["validate", "--format", "github"]).stdout);
    expect(seiInfra(["validate", "--format", "txt"]).stdout).toBe(seiInfra(["validate"]).stdout);
  });
});

describe("fleet apply --dry-run with --summary or --junit", () => {
  it("refuses (exit 2) rather than write nothing", () => {
    const project = new FixtureRepo().municipality({
      official: official("Tiradentes"),
      tier: "pequeno-i",
      sequence: 1,
    });
    try {
      const run = seiInfra(["fleet", "apply", "--dry-run", "--summary", "s.md", "--junit", "j.xml"], {
        cwd: project.root,
      });
      expect(run.stderr).toContain(
        "sei-infra fleet: --summary and --junit report what a run did, and --dry-run runs nothing: leave them out (--report writes the planned waves)\n",
      );
      expect(run.status).toBe(2);
      expect(existsSync(join(project.root, "s.md")) || existsSync(join(project.root, "j.xml"))).toBe(false);
      const plan = seiInfra(["fleet", "apply", "--dry-run", "--report", "waves.json"], { cwd: project.root });
      expect(plan.status).toBe(0);
      expect(existsSync(join(project.root, "waves.json"))).toBe(true);
    } finally {
      project.dispose();
    }
  });
});

describe("output into a pipe that closes early (`sei-infra … | head -1`)", () => {
  it.each([[["validate", "--format", "json"]], [["--help"]], [["capacity"]]])(
    "%j: no EPIPE stack trace, and the command's own exit code",
    (args) => {
      // `true` exits at once, so every write meets a closed pipe (EPIPE).
      const run = spawnSync(
        "bash",
        ["-c", 'node bin/sei-infra.js "$@" | true; exit "${PIPESTATUS[0]}"', "--", ...args],
        {
          cwd: REPO_ROOT,
          encoding: "utf8",
          timeout: 60_000,
        },
      );
      expect(run.stderr).not.toMatch(/EPIPE|\n\s+at /);
      expect(run.status).toBe(0);
    },
  );
});
