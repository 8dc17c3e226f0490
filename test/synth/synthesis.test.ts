/**
 * The synthesis machinery of stacks/: the shortcuts give cdktf's own output,
 * sharding over worker threads gives one App's output, and the output folder
 * is replaced all at once or not at all.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { afterAll, describe, expect, it } from "vitest";
import { buildFleetApp, stackInputs, synthesizeApp } from "../../stacks/fleet-app.ts";
import { discard, publish, removeStaleStaging, stagingFor } from "../../stacks/output-dir.ts";
import { keepStackTraces } from "../../runtime/stack-traces.ts";
import { synthesizeFleet } from "../../stacks/synthesize.ts";
import { TIER_IDS, examplePlan } from "../../scripts/lib/example-plan.ts";
import { packageChart } from "../../stacks/chart-package.ts";
import { REPO_ROOT, appInputs, cleanScratch, scratchDir, tree, type StackJson } from "./support.ts";

afterAll(cleanScratch);

describe("MunicipalityStack.prepareStack", () => {
  it.each(["production", "suspended", "decommissioned"] as const)(
    "gives the output of cdktf's own preparation (%s): no cross-stack pass, pruned attributes",
    (phase) => {
      const plan = examplePlan({ tier: "grande", phase });
      const ours = buildFleetApp([plan], { inputs: appInputs(), outdir: scratchDir() }).stacks[0]!;
      ours.prepareStack();
      const theirs = buildFleetApp([plan], { inputs: appInputs(), outdir: scratchDir() }).stacks[0]!;
      TerraformStack.prototype.prepareStack.call(theirs);
      expect(Testing.synth(ours)).toEqual(Testing.synth(theirs));
    },
  );
});

describe("synthesizeFleet", () => {
  it("writes from three threads (two workers) exactly what one App writes", async () => {
    const plans = Array.from({ length: 30 }, (_, i) =>
      examplePlan({
        tier: TIER_IDS[i % TIER_IDS.length]!,
        phase: i % 7 === 0 ? "suspended" : "production",
        name: `m${String(i).padStart(3, "0")}`,
      }),
    );
    const one = scratchDir();
    const two = scratchDir();
    const rowsOne = await synthesizeFleet(plans, { root: REPO_ROOT, outdir: one, workers: 1 });
    const rowsTwo = await synthesizeFleet(plans, { root: REPO_ROOT, outdir: two, workers: 3, stacksPerWorker: 10 });
    expect(rowsTwo).toEqual(rowsOne);
    const a = tree(one);
    const b = tree(two);
    expect(JSON.parse(b["manifest.json"]!)).toEqual(JSON.parse(a["manifest.json"]!));
    delete a["manifest.json"];
    delete b["manifest.json"];
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(a).filter((f) => f.endsWith("cdk.tf.json"))).toHaveLength(30);
    for (const file of Object.keys(a)) expect(b[file], file).toBe(a[file]);
    expect(readdirSync(two).sort()).toEqual(["manifest.json", "stacks"]);
  });

  it("puts the packaged chart in every stack with a release, where its helm_release looks for it", async () => {
    const plans = (["production", "suspended", "decommissioned"] as const).map((phase) =>
      examplePlan({ tier: "medio", phase, name: `m-${phase}` }),
    );
    const outdir = scratchDir();
    await synthesizeFleet(plans, { root: REPO_ROOT, outdir, workers: 1 });
    const chart = packageChart(join(REPO_ROOT, "charts", "sei"));
    for (const plan of plans) {
      const folder = join(outdir, "stacks", plan.stackName);
      const stack = JSON.parse(readFileSync(join(folder, "cdk.tf.json"), "utf8")) as StackJson;
      const release = Object.values(stack.resource?.helm_release ?? {})[0];
      const archives = readdirSync(folder).filter((f) => f.endsWith(".tgz"));
      if (plan.release) {
        expect(release?.chart).toBe(`./${chart.fileName}`);
        expect(archives).toEqual([chart.fileName]);
        expect(Buffer.compare(readFileSync(join(folder, chart.fileName)), chart.archive)).toBe(0);
      } else {
        expect(release).toBeUndefined();
        expect(archives).toEqual([]);
      }
    }
  });

  it("synthesizes without stack traces exactly what cdktf writes with them", async () => {
    const plans = TIER_IDS.map((tier) => examplePlan({ tier, name: `m-${tier}` }));
    const without = scratchDir();
    await synthesizeFleet(plans, { root: REPO_ROOT, outdir: without, workers: 1 });
    const withTraces = scratchDir();
    expect(keepStackTraces).toBe(false);
    synthesizeApp(plans, { inputs: stackInputs(REPO_ROOT, withTraces, plans), outdir: withTraces });
    expect(tree(without)).toEqual(tree(withTraces));
  });
});

describe("the output folder", () => {
  const previous = () => {
    const parent = scratchDir();
    const outdir = join(parent, "cdktf.out");
    mkdirSync(join(outdir, "stacks", "sei-a"), { recursive: true });
    mkdirSync(join(outdir, "stacks", "sei-b"), { recursive: true });
    writeFileSync(join(outdir, "manifest.json"), "previous");
    return { parent, outdir, staging: stagingFor(outdir) };
  };

  it("is replaced whole by a successful synthesis", () => {
    const { parent, outdir, staging } = previous();
    mkdirSync(join(staging, "stacks", "sei-a"), { recursive: true });
    writeFileSync(join(staging, "manifest.json"), "new");
    publish(staging, outdir);
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe("new");
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["sei-a"]);
    expect(readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("is left as it was by a failed one", () => {
    const { parent, outdir, staging } = previous();
    mkdirSync(join(staging, "stacks", "sei-half"), { recursive: true });
    discard(staging);
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe("previous");
    expect(readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("keeps the previous output when the swap itself fails", () => {
    const { parent, outdir, staging } = previous();
    // No staging folder: the rename into place fails after the old output was moved aside.
    expect(() => publish(staging, outdir)).toThrow(/ENOENT/);
    expect(readFileSync(join(outdir, "manifest.json"), "utf8")).toBe("previous");
    expect(readdirSync(parent)).toEqual(["cdktf.out"]);
  });

  it("keeps orphaned stack folders for cdktf-cli, which deletes them itself", () => {
    const { outdir, staging } = previous();
    mkdirSync(join(staging, "stacks", "sei-a"), { recursive: true });
    writeFileSync(join(staging, "manifest.json"), "new");
    publish(staging, outdir, { leaveOrphanStacks: true });
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["sei-a", "sei-b"]);
  });

  it("loses the leftovers of a killed synthesis at the next run, never a running one's", () => {
    const { parent, outdir } = previous();
    const dead = join(parent, ".cdktf.out.staging-999999999");
    const running = join(parent, `.cdktf.out.staging-${process.pid}`);
    mkdirSync(dead);
    mkdirSync(running);
    removeStaleStaging(outdir);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(running)).toBe(true);
  });
});
