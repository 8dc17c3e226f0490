/** The canary of a rollout in the example fleet: platform.yaml's neverCanary, --canary, and dropped waves said aloud. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULTS, fleetRun, type ApplyOptions } from "../../fleet/engine-commands.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { collectingIo, projectCopy } from "./project.ts";

const dryRun: ApplyOptions = {
  ...DEFAULTS,
  waves: "canary,50%,rest",
  municipalities: "municipalities",
  maxFailures: "0",
  dryRun: true,
  yes: false,
};

async function waves(root: string, options: Partial<ApplyOptions> = {}) {
  const io = collectingIo(root);
  const code = await fleetRun("apply", { ...dryRun, ...options }, io);
  return { code, output: io.output() };
}

describe("canary", () => {
  it("reports a dropped wave: the canary already covers its share", async () => {
    const { code, output } = await waves(projectCopy());
    expect(code).toBe(0);
    expect(output).toMatch(
      /^sei-infra fleet: 50% dropped: the canary already covers 71%\nwave 1 canary .*sei-belo-horizonte/,
    );
  });

  it("platform.yaml's neverCanary keeps Belo Horizonte, the only metropole, out of the canary", async () => {
    const platform = `${readFileSync(join(REPO_ROOT, "platform.yaml"), "utf8")}  fleet:\n    neverCanary: [belo-horizonte]\n`;
    const { code, output } = await waves(projectCopy({ "platform.yaml": platform }));
    expect(code).toBe(0);
    const [canary = "", ...later] = output.split("\n").filter((line) => line.startsWith("wave "));
    expect(canary).toMatch(/^wave 1 canary +4 stack\(s\): /);
    expect(canary).not.toContain("sei-belo-horizonte");
    expect(later.join("\n")).toContain("sei-belo-horizonte");
  });

  it("--canary picks the canary wave exactly; an unknown name is a usage error with a suggestion", async () => {
    const root = projectCopy();
    const chosen = await waves(root, { canary: ["sei-tiradentes", "ouro-preto"] });
    expect(chosen.output).toContain("wave 1 canary     2 stack(s): sei-tiradentes, sei-ouro-preto\n");
    const unknown = await waves(root, { canary: ["tiradentse"] });
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain(
      '--canary tiradentse: not a selected municipality or stack; did you mean "tiradentes"?',
    );
  });
});
