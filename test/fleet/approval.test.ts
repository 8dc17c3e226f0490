/** `fleet apply` asks before it touches more than one stack; without a terminal it needs --yes. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyCounts, approveApply } from "../../fleet/approval.ts";
import { DEFAULTS, fleetRun, type ApplyOptions } from "../../fleet/engine-commands.ts";
import { UsageError } from "../../shell/exit.ts";
import type { Wave } from "../../fleet/waves.ts";
import { collectingIo, projectCopy } from "./project.ts";
import { stack } from "./support.ts";

const waves: Wave[] = [
  { name: "canary", stacks: [stack("a"), stack("b", "medio", "bh-2")] },
  { name: "rest", stacks: [stack("c"), stack("d")] },
];

describe("approval", () => {
  it("counts per wave, tier and cluster", () => {
    expect(applyCounts(waves)).toBe(
      "4 stack(s) in 2 wave(s): canary 2, rest 2; tiers: medio 1, pequeno-i 3; clusters: bh-1 3, bh-2 1",
    );
  });

  it("without a terminal, more than one stack needs --yes; one stack does not", async () => {
    const err = () => {};
    await expect(approveApply(waves, { yes: false, ask: undefined, err })).rejects.toThrow(
      new UsageError(
        "fleet apply would touch 4 stack(s) in 2 wave(s): canary 2, rest 2; tiers: medio 1, pequeno-i 3; clusters: bh-1 3, bh-2 1; there is no terminal to ask on: give --yes to apply without asking (the emitted pipelines do)",
      ),
    );
    expect(await approveApply(waves, { yes: true, ask: undefined, err })).toBe(true);
    expect(await approveApply([{ name: "rest", stacks: [stack("a")] }], { yes: false, ask: undefined, err })).toBe(
      true,
    );
  });

  it("on a terminal, shows the counts and goes on only on yes", async () => {
    const asked: string[] = [];
    let shown = "";
    const answer = (text: string) => async (question: string) => (asked.push(question), text);
    const err = (t: string) => void (shown += t);
    expect(await approveApply(waves, { yes: false, ask: answer(" YES\n"), err })).toBe(true);
    expect(await approveApply(waves, { yes: false, ask: answer("y"), err })).toBe(false);
    expect(await approveApply(waves, { yes: false, ask: answer(""), err })).toBe(false);
    expect(asked[0]).toBe('Apply these 4 stacks? Type "yes" to go on: ');
    expect(shown).toContain("sei-infra fleet apply: 4 stack(s) in 2 wave(s)");
    expect(shown).toContain("not confirmed; nothing was applied");
  });
});

describe("fleet apply of the project without a terminal", () => {
  const options: ApplyOptions = {
    ...DEFAULTS,
    municipalities: "municipalities",
    maxFailures: "0",
    dryRun: false,
    yes: false,
  };

  it("exits 2 before it looks for an engine or writes anything, saying --yes is needed", async () => {
    const root = projectCopy();
    const io = collectingIo(root);
    expect(await fleetRun("apply", options, io)).toBe(2);
    expect(io.output()).toMatch(
      /^sei-infra fleet: fleet apply would touch \d+ stack\(s\) in \d+ wave\(s\): .*give --yes/m,
    );
    expect(existsSync(join(root, DEFAULTS.workDir))).toBe(false);
  });

  it("a refusal at the prompt exits 1 and leaves nothing behind", async () => {
    const root = projectCopy();
    const io = collectingIo(root, { ask: async () => "no" });
    expect(await fleetRun("apply", options, io)).toBe(1);
    expect(existsSync(join(root, DEFAULTS.workDir))).toBe(false);
  });
});
