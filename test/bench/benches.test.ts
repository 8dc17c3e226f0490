/**
 * Every benchmark that needs no cluster, run at a tiny size, so that a change
 * elsewhere (a reworded tier, a renamed option) breaks `npm test` instead of
 * the next person who runs `npm run bench:*`. This checks that each produces
 * its figures; it times nothing (speed is the benchmarks' own business).
 * The cluster benchmarks' measured parts run in `npm run test:e2e` instead,
 * on the cluster and deploys the suite already has: bench:fleet's plans over
 * the stacks test/e2e/fleet.test.ts deployed, bench:workloads' backup and
 * restore on the instance of test/e2e/workloads.test.ts; both at a tiny size,
 * timing nothing either. bench:changed-since runs here without a cluster, its
 * plan failing at the first API call.
 */
import { describe, expect, it } from "vitest";
import { benchCapacity } from "../../bench/capacity-diff.ts";
import { benchChangedSince } from "../../bench/changed-since-plan.ts";
import { benchOffsite } from "../../bench/offsite-backup.ts";
import { benchRestore } from "../../bench/restore-drill.ts";
import { benchSynth } from "../../bench/synth-fleet.ts";
import { benchValidate, type Timing } from "../../bench/validate-fleet.ts";
import { requireTools, toolchainEngine } from "../support/tools.ts";

const measured = (value: number) => Number.isFinite(value) && value > 0;
const timed = (timings: readonly Timing[]) => timings.length > 0 && timings.every((t) => measured(t.wallMs));

describe("benchmarks at a tiny size", () => {
  it("bench:capacity reports the changed municipalities and its times", () => {
    const figures = benchCapacity({ runs: 1, size: 30 });
    expect(figures.municipalities).toBe(30);
    expect(figures.tierChanges).toBeGreaterThan(0);
    // The movers, plus the pequeno-ii municipalities the tier definition change reaches.
    expect(figures.changed).toBeGreaterThanOrEqual(figures.tierChanges);
    expect([measured(figures.medianSeconds), measured(figures.medianCpuSeconds)]).toEqual([true, true]);
  }, 120_000);

  it("bench:validate times the three ways of running validate", () => {
    const figures = benchValidate({ runs: 1, size: 12, sharing: [5] });
    expect(figures.files).toBe(12);
    expect([timed(figures.bundled), timed(figures.viaTsx), timed(figures.inCheckout)]).toEqual([true, true, true]);
    expect(figures.sharing.map((folder) => [folder.files, timed(folder.timings)])).toEqual([[5, true]]);
  }, 120_000);

  it("bench:synth synthesizes the fleet and one municipality, with time and peak memory", () => {
    const figures = benchSynth({ size: 3 });
    expect([figures.municipalities, figures.stacks]).toEqual([3, 3]);
    expect(figures.all.stdout).toContain("3 stack(s)");
    for (const run of [figures.all, figures.one])
      expect([measured(run.seconds), measured(run.peakBytes), measured(run.cpuSeconds)]).toEqual([true, true, true]);
  }, 180_000);

  it("bench:offsite measures the upload, the binlog RPO and a point-in-time restore", async () => {
    const figures = await benchOffsite({ documentsMiB: 4, rows: 1000, shipSeconds: 1, observeSeconds: 3 });
    expect(figures.documents.unchanged.read).toBeGreaterThanOrEqual(4 * 2 ** 20);
    expect(figures.documents.ratio).toBeLessThan(0.05);
    expect(figures.rpo.shippings).toBeGreaterThan(1);
    expect([measured(figures.rpo.worstSeconds), measured(figures.restore.gibPerMinute)]).toEqual([true, true]);
  }, 180_000);

  it("bench:restore drills a tier's scaled backup from the store and gives its throughput", async () => {
    // 1/262144 of pequeno-i's claims: 40 KiB of dump (~170 rows), 200 KiB of documents (one file).
    const [figures, ...more] = await benchRestore({ scale: 1 / 262_144, tiers: ["pequeno-i"] });
    expect(more).toEqual([]);
    expect([figures!.tier, figures!.rows > 100, figures!.documents]).toEqual(["pequeno-i", true, 1]);
    expect(figures!.bytes.databases).toBeGreaterThan(figures!.rows * 100);
    expect(figures!.bytes.documents).toBe(256 * 1024);
    const { set, server, restore, check, drill } = figures!.seconds;
    expect([set, server, restore, check, drill, figures!.gibPerMinute].every((v) => measured(v ?? NaN))).toBe(true);
    expect(drill).toBeGreaterThan(figures!.restoreSeconds);
  }, 180_000);

  it("bench:changed-since selects the edited stack of a fleet in git and runs the engine on it", async (ctx) => {
    requireTools(ctx, toolchainEngine().missing, { builtByCi: true, why: "bash scripts/e2e/toolchain.sh builds them" });
    const figures = await benchChangedSince({ size: 12, runs: 1, cluster: false });
    const [run] = figures.runs;
    expect(run!.output).toContain("--changed-since HEAD: 1 of 12 stack(s) selected");
    expect(run!.report.stacks.map((s) => s.name)).toEqual([figures.edited]);
    const stack = run!.report.stacks[0]!;
    // init passed (lock file, mirror) and the plan ran, reaching for the cluster: a closed port here.
    expect([stack.status, measured(stack.timings.planMs ?? NaN), run!.code]).toEqual(["failed", true, 1]);
    expect(stack.error).toMatch(/127\.0\.0\.1:1|connection refused/);
    expect([measured(run!.seconds), measured(run!.synthSeconds)]).toEqual([true, true]);
  }, 240_000);
});
