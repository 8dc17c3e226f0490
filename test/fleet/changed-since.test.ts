/**
 * `--changed-since REV`: REV's data files resolved with today's code, a stack
 * selected when its resolved plan differs; a change outside the data files
 * (code, chart, dependencies) selects every stack and says so. Real git
 * repositories (scripts/lib/fleet-repo.ts), read by the selection every fleet
 * command starts with.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSelection } from "../../fleet/load.ts";
import { UsageError } from "../../shell/exit.ts";
import { FixtureRepo, official } from "../../scripts/lib/fleet-repo.ts";
import { seiInfra } from "../cli/run.ts";

let repo: FixtureRepo;
let base: string;

beforeEach(() => {
  repo = new FixtureRepo();
  repo
    .municipality({ official: official("Acaiaca"), tier: "pequeno-i", sequence: 1 })
    .municipality({ official: official("Abadia dos Dourados"), tier: "pequeno-i", sequence: 2 })
    .municipality({ official: official("Alfenas"), tier: "medio", sequence: 3 })
    .write("package-lock.json", "{}\n")
    .write("charts/sei/templates/app.yaml", "kind: Deployment\n")
    .write("README.md", "# fixture\n");
  base = repo.commit("three municipalities");
});

afterEach(() => repo.dispose());

function select(changedSince: string, extra: { tiers?: string[]; only?: string[] } = {}) {
  let printed = "";
  const loaded = loadSelection(repo.root, { municipalities: "municipalities", changedSince, ...extra }, (text) => {
    printed += text;
  });
  if (!loaded.ok) throw new Error(`the selection did not load:\n${printed}`);
  return { stacks: loaded.stacks.map((s) => s.name), printed };
}

describe("--changed-since", () => {
  it("selects the one stack whose municipality file changed, and says why", () => {
    repo.edit("municipalities/alfenas.yaml", "  team:", "  overrides:\n    documentsStorage: 300Gi\n  team:");
    const { stacks, printed } = select(base);
    expect(stacks).toEqual(["sei-alfenas"]);
    expect(printed).toContain(`changed since ${base}`);
    expect(printed).toContain("municipalities/alfenas.yaml");
    // A larger documents claim also takes longer to restore: the plan's restore deadline moves with it.
    expect(printed).toMatch(/\n {2}sei-alfenas: resolved plan differs in .*volumes, backup\n/);
    expect(printed).toContain("1 of 3 stack(s) selected");
  });

  it("selects the stacks of a tier whose file changed, and no other", () => {
    repo
      .edit("tiers/pequeno-i.yaml", "requests: { cpu: 200m, memory: 512Mi,", "requests: { cpu: 200m, memory: 640Mi,")
      .commit("more memory for pequeno-i");
    const { stacks, printed } = select(base);
    expect(stacks).toEqual(["sei-abadia-dos-dourados", "sei-acaiaca"]);
    expect(printed).toContain("tiers/pequeno-i.yaml");
  });

  it("selects a new municipality, committed or not yet added", () => {
    repo.municipality({ official: official("Abaeté"), tier: "pequeno-ii", sequence: 4 });
    const { stacks, printed } = select(base);
    expect(stacks).toEqual(["sei-abaete"]);
    expect(printed).toMatch(/sei-abaete: new since/);
  });

  it("selects nothing when a data file changed without changing any plan", () => {
    repo.edit("municipalities/acaiaca.yaml", "Ana Souza", "Ana Souza Lima");
    const { stacks, printed } = select(base);
    expect(stacks).toEqual([]);
    expect(printed).toContain("0 of 3 stack(s) selected");
  });

  it.each([
    ["a dependency", "package-lock.json"],
    ["the chart", "charts/sei/templates/app.yaml"],
  ])("selects every stack when %s changed, and says so", (_, path) => {
    repo.write(path, "changed\n");
    const { stacks, printed } = select(base);
    expect(stacks).toEqual(["sei-abadia-dos-dourados", "sei-acaiaca", "sei-alfenas"]);
    expect(printed).toContain(`every stack: code, the chart or dependencies changed since ${base}: ${path}`);
  });

  it("selects every stack when new code appears that git does not ignore", () => {
    repo.write("core/new-rule.ts", "export {};\n");
    expect(select(base).printed).toContain("every stack: code, the chart or dependencies changed");
  });

  it("prints a changed file's name escaped: a name cannot act on the terminal", () => {
    repo.write("core/\u001b[2Jcleared.ts", "export {};\n");
    const { printed } = select(base);
    expect(printed).not.toContain("\u001b");
    expect(printed).toContain("core/\\u001b[2Jcleared.ts");
  });

  it("selects nothing for a change to documentation only", () => {
    repo.write("README.md", "# fixture, documented\n").write("docs/fleet.md", "more\n");
    const { stacks, printed } = select(base);
    expect(stacks).toEqual([]);
    expect(printed).toContain("nothing that reaches a stack changed");
  });

  it("narrows the other selection flags, never widens them", () => {
    repo.edit("tiers/pequeno-i.yaml", "requests: { cpu: 200m, memory: 512Mi,", "requests: { cpu: 200m, memory: 640Mi,");
    expect(select(base, { only: ["acaiaca", "alfenas"] }).stacks).toEqual(["sei-acaiaca"]);
    expect(select(base, { tiers: ["medio"] }).stacks).toEqual([]);
  });

  it("selects every stack, saying why, when the revision's data files do not load", () => {
    repo.edit("municipalities/acaiaca.yaml", "tier: pequeno-i", "tier: pequenissimo");
    const broken = repo.commit("broken");
    repo.edit("municipalities/acaiaca.yaml", "tier: pequenissimo", "tier: pequeno-i");
    const { stacks, printed } = select(broken);
    expect(stacks).toHaveLength(3);
    expect(printed).toMatch(/every stack: the data files of .* do not load/);
  });

  it("refuses an unknown revision and one that reads as an option, as usage errors", () => {
    expect(() => select("no-such-branch")).toThrow(UsageError);
    expect(() => select("no-such-branch")).toThrow(/--changed-since no-such-branch: unknown revision/);
    expect(() => select("--output=/tmp/x")).toThrow(/is not a git revision/);
  });
});

describe("sei-infra fleet … --changed-since", () => {
  it("apply --dry-run rolls out the changed stack only, and says why", () => {
    repo.edit("municipalities/alfenas.yaml", "  team:", "  overrides:\n    documentsStorage: 300Gi\n  team:");
    const run = seiInfra(["fleet", "apply", "--dry-run", "--changed-since", base], { cwd: repo.root });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("sei-alfenas: resolved plan differs in");
    expect(run.stdout).toContain("1 stack(s) in");
    expect(run.stdout).not.toContain("sei-acaiaca");
  });

  it.each(["plan", "drift"])("%s with nothing changed runs nothing and succeeds, without an engine", (command) => {
    const run = seiInfra(["fleet", command, "--changed-since", base], {
      cwd: repo.root,
      env: { TERRAFORM_BINARY_NAME: "/nonexistent/tofu" },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`sei-infra fleet ${command}: no stack selected; nothing ran`);
  });

  it("emit writes the pipeline of the changed stacks, and nothing when none changed", () => {
    const out = join(repo.root, "emitted");
    const nothing = seiInfra(["fleet", "emit", "--engine", "gitlab", "--output", out, "--changed-since", base], {
      cwd: repo.root,
    });
    expect(nothing.status, nothing.stderr).toBe(0);
    expect(existsSync(out)).toBe(false);
    repo.edit("tiers/pequeno-i.yaml", "requests: { cpu: 200m, memory: 512Mi,", "requests: { cpu: 200m, memory: 640Mi,");
    const two = seiInfra(["fleet", "emit", "--engine", "gitlab", "--output", out, "--changed-since", base], {
      cwd: repo.root,
    });
    expect(two.status, two.stderr).toBe(0);
    const plan = readFileSync(join(out, "fleet-plan.json"), "utf8");
    expect(plan).toContain("sei-acaiaca");
    expect(plan).not.toContain("sei-alfenas");
  });

  it("an unknown revision is a usage error (exit 2)", () => {
    const run = seiInfra(["fleet", "plan", "--changed-since", "no-such-branch"], { cwd: repo.root });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--changed-since no-such-branch: unknown revision");
  });
});
