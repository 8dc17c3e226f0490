import { describe, expect, it } from "vitest";
import type { StackReport, StackStatus } from "../../fleet/report.ts";
import { runWaves, type RolloutOptions } from "../../fleet/rollout.ts";
import type { FleetStack } from "../../fleet/selection.ts";
import type { Wave } from "../../fleet/waves.ts";
import { stack, stackReport } from "./support.ts";

const waves: Wave[] = [
  { name: "canary", stacks: [stack("a"), stack("b")] },
  { name: "50%", stacks: [stack("c"), stack("d"), stack("e"), stack("f")] },
  { name: "rest", stacks: [stack("g"), stack("h")] },
];

/** A rollout whose stacks finish with the given statuses (applied otherwise), recording the order and overlap of runs. */
function rollout(outcomes: Record<string, StackStatus>, options: Partial<RolloutOptions> = {}) {
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  const run = async (s: FleetStack, wave: string | null): Promise<StackReport> => {
    started.push(s.municipality);
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return stackReport(s, outcomes[s.municipality] ?? "applied", { wave });
  };
  const promise = runWaves(waves, {
    concurrency: 2,
    failuresAllowed: 0,
    budgetLabel: "0",
    namedWaves: true,
    run,
    skip: (s, wave, reason) => stackReport(s, "skipped", { wave, error: reason, log: null }),
    stopped: () => false,
    ...options,
  });
  return { promise, started, peak: () => peak };
}

describe("running waves", () => {
  it("runs every wave in order, at most `concurrency` stacks at once", async () => {
    const r = rollout({});
    const reports = await r.promise;
    expect(reports.map((x) => [x.municipality, x.wave, x.status])).toEqual(
      ["a", "b", "c", "d", "e", "f", "g", "h"].map((m, i) => [m, i < 2 ? "canary" : i < 6 ? "50%" : "rest", "applied"]),
    );
    expect(r.peak()).toBe(2);
  });

  it("keeps going inside a wave past a failure, then holds the later waves past the budget", async () => {
    const r = rollout({ c: "failed" });
    const reports = await r.promise;
    expect(r.started).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(reports.filter((x) => x.status === "applied").map((x) => x.municipality)).toEqual(["a", "b", "d", "e", "f"]);
    const held = reports.filter((x) => x.status === "skipped");
    expect(held.map((x) => [x.municipality, x.wave])).toEqual([
      ["g", "rest"],
      ["h", "rest"],
    ]);
    expect(held[0]!.error).toBe(
      "held: 1 stack(s) failed or were refused by the end of wave 50%, more than --max-failures 0",
    );
  });

  it("counts refusals against the budget, and goes on while failures stay within it", async () => {
    const within = await rollout({ a: "refused", d: "failed" }, { failuresAllowed: 2, budgetLabel: "2" }).promise;
    expect(within.filter((x) => x.status === "skipped")).toEqual([]);
    const past = await rollout({ a: "refused" }, { failuresAllowed: 0, budgetLabel: "0" }).promise;
    expect(past.filter((x) => x.status === "skipped").map((x) => x.municipality)).toEqual([
      "c",
      "d",
      "e",
      "f",
      "g",
      "h",
    ]);
  });

  it("a failure in the last wave holds nothing (there is nothing left)", async () => {
    const reports = await rollout({ h: "failed" }).promise;
    expect(reports.filter((x) => x.status === "skipped")).toEqual([]);
  });

  it("starts no stack once interrupted; those not started are skipped", async () => {
    let stop = false;
    const r = rollout({}, { stopped: () => stop, onDone: (x) => (stop ||= x.municipality === "a") });
    const reports = await r.promise;
    expect(r.started).toEqual(["a", "b"]);
    expect(reports.filter((x) => x.status === "skipped").map((x) => x.error)).toContain(
      "interrupted before it started",
    );
    expect(reports).toHaveLength(8);
  });
});
