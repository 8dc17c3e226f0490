/**
 * End to end: `sei-infra fleet` over twelve municipalities of mixed tiers on
 * two cluster entries (both the local API server), with the real engine
 * (OpenTofu unless TERRAFORM_BINARY_NAME names another), real providers and
 * state in the real PostgreSQL. One municipality is made to fail: its
 * namespace already exists, made by someone else. At the end bench:fleet's
 * plans run over the deployed stacks at a tiny size (bench/fleet-plan.ts).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchFleetPlan } from "../../bench/fleet-plan.ts";
import { reportSchema, type FleetReport, type StackReport } from "../../fleet/report.ts";
import { rolloutPlanSchema, type RolloutPlan } from "../../fleet/rollout-plan.ts";
import { createFleetWorkspace, type FleetMunicipality } from "../../scripts/lib/e2e-workspace.ts";
import { fleet } from "./fleet-support.ts";
import { get, kubectl, list, requireEnv, storageClassManifests } from "./support.ts";

const WAVES = ["--waves", "canary,50%,rest", "--concurrency", "4"];
let dir: string;
let municipalities: FleetMunicipality[];
let plan: RolloutPlan;
/** The municipality whose namespace someone else made: a canary, so the first run holds every later wave. */
let failing: string;
/** The workspace copied to another path (steps 7 and 8). */
let clone: string;

const readReport = (file: string): FleetReport => reportSchema.parse(JSON.parse(readFileSync(join(dir, file), "utf8")));
const byName = (report: FleetReport) => new Map(report.stacks.map((s) => [s.name, s]));
const statuses = (stacks: readonly StackReport[]) => [...new Set(stacks.map((s) => s.status))];
const positive = (value: number) => Number.isFinite(value) && value > 0;
const waveOf = (name: string) => plan.waves.find((w) => w.stacks.includes(`sei-${name}`))!.name;

describe("sei-infra fleet against a local Kubernetes API server", () => {
  beforeAll(async () => {
    requireEnv("PG_CONN_STR");
    ({ dir, municipalities } = createFleetWorkspace({ "pequeno-i": 8, "pequeno-ii": 3, medio: 1 }));
    await kubectl(["apply", "-f", "-"], storageClassManifests().join("\n---\n"));
  });

  afterAll(() => {
    if (process.env.SEI_E2E_KEEP === "1") return;
    rmSync(dir, { recursive: true, force: true });
    if (clone) rmSync(join(clone, "..", ".."), { recursive: true, force: true });
  });

  it("1. --dry-run prints the waves and writes them; nothing runs", async () => {
    const result = await fleet(dir, ["apply", ...WAVES, "--dry-run", "--report", "waves.json"]);
    expect(result.code, result.output).toBe(0);
    plan = rolloutPlanSchema.parse(JSON.parse(readFileSync(join(dir, "waves.json"), "utf8")));
    // Canary: one per tier and cluster (pequeno-i and pequeno-ii on both clusters, the one medio); up to half; the rest.
    expect(plan.waves.map((w) => [w.name, w.stacks.length])).toEqual([
      ["canary", 5],
      ["50%", 1],
      ["rest", 6],
    ]);
    expect(plan.waves.flatMap((w) => w.stacks).sort()).toEqual(municipalities.map((m) => `sei-${m.name}`).sort());
    const canaries = plan.stacks.filter((s) => plan.waves[0]!.stacks.includes(s.name));
    expect(new Set(canaries.map((s) => `${s.tier}/${s.cluster}`)).size).toBe(canaries.length);
    expect(new Set(canaries.map((s) => s.cluster))).toEqual(new Set(["e2e-a", "e2e-b"]));
    expect(result.output).toContain("nothing ran");
    expect(existsSync(join(dir, ".sei-fleet", "runs"))).toBe(false);
  });

  it("2. a failed canary: the rest of its wave applies, the failure is reported with its log, --max-failures 0 holds the later waves", async () => {
    failing = plan.waves[0]!.stacks[1]!.slice("sei-".length);
    await kubectl(["create", "namespace", `sei-${failing}`]);
    await kubectl(["label", "namespace", `sei-${failing}`, "app.kubernetes.io/managed-by=someone-else"]);

    const result = await fleet(dir, [
      "apply",
      "--yes",
      ...WAVES,
      "--max-failures",
      "0",
      "--report",
      "run1.json",
      "--summary",
      "run1.md",
      "--junit",
      "run1.xml",
    ]);
    expect(result.code, result.output).toBe(1);
    const report = readReport("run1.json");
    // The engine the suite runs: OpenTofu unless TERRAFORM_BINARY_NAME names Terraform.
    const engine = /terraform$/.test(process.env.TERRAFORM_BINARY_NAME ?? "") ? "terraform" : "opentofu";
    expect(report).toMatchObject({ command: "apply", concurrency: 4, maxFailures: "0", engine: { name: engine } });

    const stacks = byName(report);
    const failed = stacks.get(`sei-${failing}`)!;
    expect(failed).toMatchObject({ status: "failed", wave: "canary" });
    expect(failed.error).toMatch(/already exists/);
    expect(readFileSync(join(dir, failed.log!), "utf8")).toMatch(/namespaces "sei-[a-z-]+" already exists/);

    const canary = plan.waves[0]!.stacks.filter((s) => s !== `sei-${failing}`);
    expect(statuses(canary.map((s) => stacks.get(s)!))).toEqual(["applied"]);
    for (const name of canary)
      expect((await get("namespace", name)).metadata.labels?.["sei.mg.gov.br/municipality"]).toBe(name.slice(4));
    const held = plan.waves.slice(1).flatMap((w) => w.stacks.map((s) => stacks.get(s)!));
    expect(statuses(held)).toEqual(["skipped"]);
    expect(held[0]!.error).toMatch(
      /^held: 1 stack\(s\) failed or were refused by the end of wave canary, more than --max-failures 0/,
    );
    for (const stack of held)
      expect((await kubectl(["get", "namespace", stack.name, "--ignore-not-found"])).trim()).toBe("");

    // The summary and the JUnit XML name the failure and where its log is.
    expect(readFileSync(join(dir, "run1.md"), "utf8")).toContain(`| sei-${failing} |`);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      readFileSync(join(dir, "run1.xml"), "utf8"),
    ) as {
      testsuites: { failures: string; skipped: string };
    };
    expect([junit.testsuites.failures, junit.testsuites.skipped]).toEqual(["1", String(held.length)]);
  });

  it("3. with room in the budget the later waves go ahead; the failure stays a failure", async () => {
    const result = await fleet(dir, ["apply", "--yes", ...WAVES, "--max-failures", "1", "--report", "run2.json"]);
    expect(result.code, result.output).toBe(1);
    const stacks = byName(readReport("run2.json"));
    expect(stacks.get(`sei-${failing}`)!.status).toBe("failed");
    for (const { name } of municipalities.filter((m) => m.name !== failing)) {
      expect(stacks.get(`sei-${name}`)!.status, name).toBe(waveOf(name) === "canary" ? "no-changes" : "applied");
    }
  });

  it("4. once the foreign namespace is gone, the failed municipality applies; a further apply changes nothing anywhere", async () => {
    await kubectl(["delete", "namespace", `sei-${failing}`, "--wait=true", "--timeout=120s"]);
    const fixed = await fleet(dir, ["apply", "--yes", ...WAVES, "--report", "run3.json"]);
    expect(fixed.code, fixed.output).toBe(0);
    const stacks = byName(readReport("run3.json"));
    expect(stacks.get(`sei-${failing}`)!.status).toBe("applied");

    const again = await fleet(dir, ["apply", "--yes", ...WAVES, "--report", "run4.json"]);
    expect(again.code, again.output).toBe(0);
    const report = readReport("run4.json");
    expect(report.stacks).toHaveLength(12);
    expect(statuses(report.stacks)).toEqual(["no-changes"]);
    expect(report.summary).toMatchObject({ "no-changes": 12, applied: 0, failed: 0 });
  });

  it("5. a quota and a label changed with kubectl: drift reports exactly those stacks and addresses", async () => {
    const [labelled, quoted] = [
      municipalities.find((m) => m.cluster === "e2e-a")!,
      municipalities.find((m) => m.cluster === "e2e-b")!,
    ];
    await kubectl(["label", "namespace", `sei-${labelled.name}`, "sei.mg.gov.br/tier=metropole", "--overwrite"]);
    const [quota] = await list("resourcequota", `sei-${quoted.name}`);
    await kubectl([
      "patch",
      "resourcequota",
      quota!.metadata.name,
      "-n",
      `sei-${quoted.name}`,
      "--type=merge",
      "-p",
      '{"spec":{"hard":{"pods":"999"}}}',
    ]);

    const result = await fleet(dir, ["drift", "--concurrency", "4", "--report", "drift.json"]);
    expect(result.code, result.output).toBe(3);
    const report = readReport("drift.json");
    const drifted = report.stacks.filter((s) => s.status === "drifted").map((s) => [s.name, s.drifted]);
    expect(drifted.sort()).toEqual(
      [
        [`sei-${labelled.name}`, [expect.stringMatching(/^kubernetes_namespace_v1\.Tenancy_\w+$/)]],
        [`sei-${quoted.name}`, [expect.stringMatching(/^kubernetes_resource_quota_v1\.Tenancy_Quota_\w+$/)]],
      ].sort(),
    );
    expect(report.summary).toMatchObject({ drifted: 2, "no-changes": 10 });
    expect(report.stacks.every((s) => s.wave === null)).toBe(true);

    // A plan of just those two shows the changes that would set them back.
    const planned = await fleet(dir, [
      "plan",
      "--only",
      `${labelled.name},sei-${quoted.name}`,
      "--report",
      "plan.json",
    ]);
    expect(planned.code, planned.output).toBe(0);
    expect(readReport("plan.json").stacks.map((s) => [s.name, s.status, s.change])).toEqual(
      [
        [`sei-${labelled.name}`, "changes", 1],
        [`sei-${quoted.name}`, "changes", 1],
      ].sort(),
    );
  });

  it("6. one template line edited: every stack plans an update of its release, and the apply rolls it out", async () => {
    // The provider never diffs a local chart's templates (terraform-provider-helm#515); the digest in the packaged chart's name does.
    const template = join(dir, "charts", "sei", "templates", "service-app.yaml");
    const edited = readFileSync(template, "utf8").replace(
      /^( {2}name: .*)$/m,
      '$1\n  annotations: { sei.mg.gov.br/e2e-chart-edit: "one line" }',
    );
    writeFileSync(template, edited);

    const planned = await fleet(dir, ["plan", "--concurrency", "4", "--report", "chart-plan.json"]);
    expect(planned.code, planned.output).toBe(0);
    const report = readReport("chart-plan.json");
    expect(report.stacks).toHaveLength(12);
    expect(statuses(report.stacks)).toEqual(["changes"]);
    // One in-place update per stack (the release); the two stacks of step 5 also set their drift back.
    expect(report.stacks.map((s) => [s.name, s.add, s.destroy]).filter(([, add, destroy]) => add || destroy)).toEqual(
      [],
    );
    expect(report.stacks.map((s) => s.change).sort()).toEqual([...Array<number>(10).fill(1), 2, 2]);

    const applied = await fleet(dir, ["apply", "--yes", ...WAVES, "--report", "chart-apply.json"]);
    expect(applied.code, applied.output).toBe(0);
    expect(statuses(readReport("chart-apply.json").stacks)).toEqual(["applied"]);
    for (const { name } of municipalities) {
      const service = await get("service", "sei-app", `sei-${name}`);
      expect(service.metadata.annotations?.["sei.mg.gov.br/e2e-chart-edit"], name).toBe("one line");
    }
    const again = await fleet(dir, ["plan", "--concurrency", "4", "--report", "chart-again.json"]);
    expect(again.code, again.output).toBe(0);
    expect(statuses(readReport("chart-again.json").stacks)).toEqual(["no-changes"]);
  });

  it("7. a second clone at another path plans no changes on any stack: no checkout path is in a stack", async () => {
    // Another engineer's or CI runner's checkout: a deeper path, no work folder (.sei-fleet) of its own yet.
    clone = join(mkdtempSync(join(tmpdir(), "sei-e2e-clone-")), "another", "checkout");
    cpSync(dir, clone, { recursive: true, verbatimSymlinks: true, filter: (path) => basename(path) !== ".sei-fleet" });
    const planned = await fleet(clone, ["plan", "--concurrency", "4", "--report", ".sei-fleet/clone.json"]);
    expect(planned.code, planned.output).toBe(0);
    const report = reportSchema.parse(JSON.parse(readFileSync(join(clone, ".sei-fleet", "clone.json"), "utf8")));
    expect(report.stacks).toHaveLength(12);
    expect(report.stacks.filter((s) => s.status !== "no-changes").map((s) => [s.name, s.status, s.error])).toEqual([]);
  });

  it("8. --changed-since after a one-municipality edit selects that stack only, and plans its change", async () => {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: clone, encoding: "utf8" });
    // What git must not see: anything untracked that reaches a stack would select every stack.
    writeFileSync(join(clone, ".gitignore"), "node_modules\n.sei-fleet/\n");
    git("init", "-q", "-b", "main");
    git("config", "user.email", "e2e@example.org");
    git("config", "user.name", "fleet e2e");
    git("config", "commit.gpgsign", "false");
    git("add", "-A");
    git("commit", "-q", "-m", "the deployed fleet");
    // Another host name: the release's values and the url output change, no other resource of the stack.
    const edited = municipalities.find((m) => m.name !== failing && m.tier === "pequeno-i")!.name;
    const file = join(clone, "municipalities", `${edited}.yaml`);
    const text = readFileSync(file, "utf8");
    expect(text).toContain(`\n  domain: sei.${edited}.mg.gov.br\n`);
    writeFileSync(
      file,
      text.replace(`\n  domain: sei.${edited}.mg.gov.br\n`, `\n  domain: sei-e2e.${edited}.mg.gov.br\n`),
    );

    const planned = await fleet(clone, ["plan", "--changed-since", "HEAD", "--report", ".sei-fleet/changed.json"]);
    expect(planned.code, planned.output).toBe(0);
    expect(planned.output).toContain(`municipalities/${edited}.yaml`);
    expect(planned.output).toMatch(new RegExp(`sei-${edited}: resolved plan differs in [a-z, ]*\\brelease\\b`));
    expect(planned.output).toContain("--changed-since HEAD: 1 of 12 stack(s) selected");
    const report = reportSchema.parse(JSON.parse(readFileSync(join(clone, ".sei-fleet", "changed.json"), "utf8")));
    expect(report.selection.changedSince).toBe("HEAD");
    expect(report.stacks.map((s) => [s.name, s.status, s.add, s.change, s.destroy])).toEqual([
      [`sei-${edited}`, "changes", 0, 1, 0],
    ]);
  });

  it("8b. bench:fleet's measured part at a tiny size over the deployed stacks: every stack planned without changes, every figure given", async () => {
    // bench/fleet-plan.ts times it; here it must only run and give its figures (one concurrency, no side by side).
    const figures = await benchFleetPlan({
      dir,
      env: { ...process.env, CI: "1" },
      concurrencies: [4],
      against: "-",
      breakdownRuns: 1,
    });
    expect(
      figures.runs.map((r) => [r.revision, r.concurrency, r.report.stacks.length, statuses(r.report.stacks)]),
    ).toEqual([["this checkout", 4, 12, ["no-changes"]]]);
    const { measured, stacksPerMinute } = figures.runs[0]!;
    const { seconds, peakTreeBytes, cpuSeconds } = measured;
    expect([seconds, peakTreeBytes, cpuSeconds, stacksPerMinute, figures.bestPerMinute].every(positive)).toBe(true);
    expect(municipalities.map((m) => `sei-${m.name}`)).toContain(figures.breakdownStack);
    expect(Object.keys(figures.breakdown)).toHaveLength(6);
    expect(Object.values(figures.breakdown).every(positive)).toBe(true);
  });
});

/**
 * The reviewed plan is what is applied: a plan saved with `fleet plan --out`
 * and applied with `fleet apply --plans` after someone else applied another
 * change to that stack is refused, naming the stack and why, and changes
 * nothing. Saved plans need state encryption, so OpenTofu (under Terraform
 * this part has nothing to run); a workspace of its own with one stack no other
 * test deploys (the fourth pequeno-ii).
 */
const underTerraform = /terraform$/.test(process.env.TERRAFORM_BINARY_NAME ?? "");
describe.skipIf(underTerraform)("a saved plan against a stack someone else changed since", () => {
  let ws: string;
  let stack: string;
  const env = () => ({
    TERRAFORM_BINARY_NAME: requireEnv("SEI_E2E_TOFU"),
    TF_VAR_sei_state_passphrase: "e2e saved plan passphrase",
  });
  /** The app Service's annotation, as one template line sets it: a chart change that updates only the release. */
  const annotate = (value: string) => {
    const template = join(ws, "charts", "sei", "templates", "service-app.yaml");
    const original = readFileSync(template, "utf8").replace(
      /\n {2}annotations: \{ sei\.mg\.gov\.br\/e2e-saved: .*\}/,
      "",
    );
    writeFileSync(
      template,
      original.replace(/^( {2}name: .*)$/m, `$1\n  annotations: { sei.mg.gov.br/e2e-saved: "${value}" }`),
    );
  };

  beforeAll(async () => {
    let one: FleetMunicipality[];
    ({ dir: ws, municipalities: one } = createFleetWorkspace(
      { "pequeno-ii": 1 },
      { "pequeno-ii": 3 },
      { stateEncryption: true },
    ));
    stack = `sei-${one[0]!.name}`;
    // The platform's storage classes (the stacks' preconditions check them), as this file's first part applies them.
    await kubectl(["apply", "-f", "-"], storageClassManifests().join("\n---\n"));
    const deployed = await fleet(ws, ["apply", "--only", stack], env());
    expect(deployed.code, deployed.output).toBe(0);
  });

  afterAll(() => {
    if (process.env.SEI_E2E_KEEP !== "1") rmSync(ws, { recursive: true, force: true });
  });

  it("9. is refused, naming the stack and why; the change someone else applied stays", async () => {
    annotate("reviewed");
    const planned = await fleet(ws, ["plan", "--out", "plans"], env());
    expect(planned.code, planned.output).toBe(0);
    expect(planned.output).toContain(
      `saved 1 plan(s) in plans; review plans/summary.md, then: sei-infra fleet apply --plans plans`,
    );

    // Someone else applies another change to the stack in between.
    annotate("someone else");
    const other = await fleet(ws, ["apply", "--only", stack], env());
    expect(other.code, other.output).toBe(0);

    // The reviewed configuration again: only the state moved since the plan.
    annotate("reviewed");
    const refused = await fleet(ws, ["apply", "--yes", "--plans", "plans", "--report", "saved.json"], env());
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toMatch(
      new RegExp(
        `${stack} +refused .*saved plan refused: the state changed since the plan \\(serial \\d+ is now \\d+: applied by someone else\\): plan again`,
      ),
    );
    const report = reportSchema.parse(JSON.parse(readFileSync(join(ws, "saved.json"), "utf8")));
    expect(report.stacks.map((s) => [s.name, s.status, s.timings.applyMs])).toEqual([[stack, "refused", undefined]]);
    const service = await get("service", "sei-app", stack);
    expect(service.metadata.annotations?.["sei.mg.gov.br/e2e-saved"]).toBe("someone else");
  });
});
