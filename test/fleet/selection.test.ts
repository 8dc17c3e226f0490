import { describe, expect, it } from "vitest";
import type { InstancePlan } from "../../core/plan.ts";
import { selectStacks } from "../../fleet/selection.ts";
import { listOption } from "../../shell/names.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";

function plan(
  name: string,
  tier: InstancePlan["municipality"]["tier"],
  cluster: string,
  phase: InstancePlan["municipality"]["phase"] = "production",
): InstancePlan {
  const p = examplePlan({ name, tier, phase });
  return { ...p, cluster: { ...p.cluster, name: cluster } };
}

const plans = [
  plan("ouro-preto", "medio", "bh-2"),
  plan("tiradentes", "pequeno-i", "bh-1"),
  plan("diamantina", "pequeno-ii", "bh-1", "provisioning"),
];
const context = {
  clusters: ["bh-1", "bh-2"],
  phaseOf: (name: string) => (name === "serra" ? "contracted" : undefined),
};
const names = (selection: Parameters<typeof selectStacks>[1]) =>
  selectStacks(plans, selection, context).map((s) => s.name);

describe("selecting stacks", () => {
  it("everything by default, sorted by stack name, with the plan's tier, phase and cluster", () => {
    const stacks = selectStacks(plans, {}, context);
    expect(stacks.map((s) => [s.name, s.municipality, s.tier, s.phase, s.cluster])).toEqual([
      ["sei-diamantina", "diamantina", "pequeno-ii", "provisioning", "bh-1"],
      ["sei-ouro-preto", "ouro-preto", "medio", "production", "bh-2"],
      ["sei-tiradentes", "tiradentes", "pequeno-i", "production", "bh-1"],
    ]);
  });

  it("narrows by --only (stack or municipality names), --tier, --phase and --cluster together", () => {
    expect(names({ only: ["sei-tiradentes", "ouro-preto"] })).toEqual(["sei-ouro-preto", "sei-tiradentes"]);
    expect(names({ tiers: ["pequeno-i", "medio"] })).toEqual(["sei-ouro-preto", "sei-tiradentes"]);
    expect(names({ phases: ["production"], clusters: ["bh-1"] })).toEqual(["sei-tiradentes"]);
    expect(names({ only: ["diamantina", "tiradentes"], phases: ["production"] })).toEqual(["sei-tiradentes"]);
  });

  it.each([
    [{ only: ["nowhere"] }, "--only nowhere: no municipality or stack of that name"],
    [
      { only: ["serra"] },
      "--only serra: the municipality is in phase contracted; nothing is deployed before the contract is published on the PNCP",
    ],
    [{ tiers: ["huge"] }, "--tier huge: not one of pequeno-i, pequeno-ii, medio, grande, metropole"],
    [
      { phases: ["contracted"] },
      "--phase contracted: nothing is deployed before the contract is published on the PNCP",
    ],
    [{ clusters: ["bh-9"] }, "--cluster bh-9: not one of bh-1, bh-2"],
    [{ tiers: ["grande"] }, "the selection matches no stack"],
  ])("refuses %j", (selection, message) => {
    expect(() => names(selection)).toThrow(message);
  });

  it("--only matches exactly: a name with the stack prefix is a stack name, never a municipality's", () => {
    // A municipality named "sei-tiradentes" (refused by the no-stack-prefix rule) has the stack sei-sei-tiradentes.
    const colliding = [...plans, plan("sei-tiradentes", "pequeno-i", "bh-1")];
    const only = (name: string) => selectStacks(colliding, { only: [name] }, context).map((s) => s.name);
    expect(only("sei-tiradentes")).toEqual(["sei-tiradentes"]);
    expect(only("tiradentes")).toEqual(["sei-tiradentes"]);
    expect(only("sei-sei-tiradentes")).toEqual(["sei-sei-tiradentes"]);
  });

  it("an unknown --only name: did you mean the closest stack or municipality", () => {
    expect(() => names({ only: ["tiradente"] })).toThrow(
      '--only tiradente: no municipality or stack of that name; did you mean "tiradentes"?',
    );
    expect(() => names({ only: ["sei-ouro-prteo"] })).toThrow(
      '--only sei-ouro-prteo: no municipality or stack of that name; did you mean "sei-ouro-preto"?',
    );
  });

  it("list options: comma-separated and repeated alike", () => {
    expect(listOption(["a,b", " c ", "a", ""])).toEqual(["a", "b", "c"]);
    expect(listOption(undefined)).toBeUndefined();
  });
});
