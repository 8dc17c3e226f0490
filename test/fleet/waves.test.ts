import { describe, expect, it } from "vitest";
import type { FleetStack } from "../../fleet/selection.ts";
import { droppedWaves, failuresAllowed, parseFailureBudget, parseWaves, planWaves } from "../../fleet/waves.ts";

function stack(
  municipality: string,
  tier: FleetStack["tier"],
  cluster = "bh-1",
  population = 10_000,
  phase: FleetStack["phase"] = "production",
): FleetStack {
  return { name: `sei-${municipality}`, municipality, tier, phase, cluster, population };
}

const names = (stacks: readonly FleetStack[]) => stacks.map((s) => s.municipality);

describe("--waves", () => {
  it("reads canary, cumulative percentages and rest", () => {
    expect(parseWaves("canary,10%,50%,rest")).toEqual([
      { kind: "canary" },
      { kind: "percent", percent: 10 },
      { kind: "percent", percent: 50 },
      { kind: "rest" },
    ]);
    expect(parseWaves(" 25% , 100% ")).toEqual([
      { kind: "percent", percent: 25 },
      { kind: "percent", percent: 100 },
    ]);
  });

  it.each([
    ["canary,10%", "the last wave must be rest (or 100%)"],
    ["10%,canary,rest", "canary can only be the first wave"],
    ["50%,10%,rest", "percentages are cumulative and must grow (50% then 10%)"],
    ["rest,rest", "nothing can follow rest"],
    ["100%,rest", "nothing can follow 100%"],
    ["canary,0%,rest", '"0%" is not canary, a percentage from 1% to 100%, or rest'],
    ["canary,,rest", '"" is not canary'],
    ["canary,ten,rest", '"ten" is not canary'],
    ["150%", '"150%" is not canary'],
  ])("refuses %s", (spec, message) => {
    expect(() => parseWaves(spec)).toThrow(message);
  });
});

describe("wave selection", () => {
  const fleet = [
    stack("a-small", "pequeno-i", "bh-1", 3_000),
    stack("b-small", "pequeno-i", "bh-1", 2_000),
    stack("c-small", "pequeno-i", "bh-2", 9_000),
    stack("d-mid", "pequeno-ii", "bh-1", 30_000),
    stack("e-mid", "pequeno-ii", "bh-1", 25_000),
    stack("f-big", "grande", "bh-2", 700_000),
    stack("g-small", "pequeno-i", "bh-1", 1_000, "suspended"),
    stack("h-small", "pequeno-i", "bh-2", 4_000),
    stack("i-small", "pequeno-i", "bh-1", 5_000),
    stack("j-small", "pequeno-i", "bh-1", 6_000),
  ];

  it("canary: one running municipality per tier and cluster, the smallest; ordered by tier, then cluster", () => {
    const [canary] = planWaves(fleet, parseWaves("canary,rest"));
    // g-small is smaller but suspended: its app does not run, so it would not show a bad release.
    expect(names(canary!.stacks)).toEqual(["b-small", "h-small", "e-mid", "f-big"]);
  });

  it("percentages are cumulative shares of the selection, rounded up; rest takes what is left; every stack once", () => {
    const waves = planWaves(fleet, parseWaves("canary,50%,rest"));
    expect(waves.map((w) => [w.name, w.stacks.length])).toEqual([
      ["canary", 4],
      ["50%", 1],
      ["rest", 5],
    ]);
    expect(names(waves[1]!.stacks)).toEqual(["a-small"]);
    expect(names(waves.flatMap((w) => w.stacks)).sort()).toEqual(names(fleet).sort());
  });

  it("drops a wave left with nothing to add", () => {
    const waves = planWaves(fleet, parseWaves("canary,10%,30%,rest"));
    expect(waves.map((w) => w.name)).toEqual(["canary", "rest"]);
  });

  it("says why a wave was dropped: the waves before it already cover its share", () => {
    const steps = parseWaves("canary,10%,30%,rest");
    expect(droppedWaves(fleet.length, steps, planWaves(fleet, steps))).toEqual([
      "10% dropped: the canary already covers 40%",
      "30% dropped: the canary already covers 40%",
    ]);
    const later = parseWaves("50%,60%,rest");
    expect(droppedWaves(3, later, planWaves(fleet.slice(0, 3), later))).toEqual([
      "60% dropped: the waves before it already cover 66%",
    ]);
    const whole = parseWaves("canary,50%,rest");
    expect(droppedWaves(fleet.length, whole, planWaves(fleet, whole))).toEqual([]);
  });

  it("--canary names the canary wave exactly, by stack or municipality name", () => {
    const [canary, rest] = planWaves(fleet, parseWaves("canary,rest"), { chosen: ["f-big", "sei-a-small"] });
    expect(names(canary!.stacks)).toEqual(["a-small", "f-big"]);
    expect(rest!.stacks).toHaveLength(fleet.length - 2);
  });

  it("--canary refuses a name not in the selection (did you mean), and a rollout without a canary wave", () => {
    expect(() => planWaves(fleet, parseWaves("canary,rest"), { chosen: ["f-bi"] })).toThrow(
      '--canary f-bi: not a selected municipality or stack; did you mean "f-big"?',
    );
    expect(() => planWaves(fleet, parseWaves("50%,rest"), { chosen: ["f-big"] })).toThrow(
      "--canary f-big: --waves 50%,rest has no canary wave",
    );
  });

  it("platform.yaml's neverCanary: those stacks are never chosen; the next smallest of their tier and cluster is", () => {
    const [canary] = planWaves(fleet, parseWaves("canary,rest"), { never: ["b-small", "f-big"] });
    // b-small's place goes to a-small; f-big was alone in its tier and cluster, so that group has no canary.
    expect(names(canary!.stacks)).toEqual(["a-small", "h-small", "e-mid"]);
    // An explicit --canary wins over the platform's list.
    const [chosen] = planWaves(fleet, parseWaves("canary,rest"), { chosen: ["f-big"], never: ["f-big"] });
    expect(names(chosen!.stacks)).toEqual(["f-big"]);
  });

  it("without canary, percentages take stacks in name order", () => {
    const waves = planWaves(fleet, parseWaves("10%,35%,100%"));
    expect(waves.map((w) => names(w.stacks))).toEqual([
      ["a-small"],
      ["b-small", "c-small", "d-mid"],
      ["e-mid", "f-big", "g-small", "h-small", "i-small", "j-small"],
    ]);
  });

  it("a single stack is its own canary", () => {
    expect(
      planWaves([stack("solo", "medio")], parseWaves("canary,10%,rest")).map((w) => [w.name, names(w.stacks)]),
    ).toEqual([["canary", ["solo"]]]);
  });
});

describe("--max-failures", () => {
  it("reads a count or a percentage of the selection, rounded down", () => {
    expect(failuresAllowed(parseFailureBudget("0"), 750)).toBe(0);
    expect(failuresAllowed(parseFailureBudget("3"), 750)).toBe(3);
    expect(failuresAllowed(parseFailureBudget("5%"), 750)).toBe(37);
    expect(failuresAllowed(parseFailureBudget("10%"), 9)).toBe(0);
  });

  it.each(["-1", "x", "3.5", "101%", ""])("refuses %j", (text) => {
    expect(() => parseFailureBudget(text)).toThrow("--max-failures");
  });
});
