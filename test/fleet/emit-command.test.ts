/**
 * `fleet emit` as a command, in a copy of the project: the options that reach
 * the pipeline files are checked before anything is written, and the files
 * name their paths from the repository root.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleetEmit, type EmitCommandOptions } from "../../fleet/emit/index.ts";
import { shellWord } from "../../fleet/emit/options.ts";
import { collectingIo, pgPlatform, projectCopy } from "./project.ts";

const base: EmitCommandOptions = {
  engine: "gitlab",
  output: "ci/fleet",
  waves: "canary,rest",
  maxFailures: "0",
  concurrency: 2,
  municipalities: "municipalities",
};

async function emit(overrides: Partial<EmitCommandOptions>) {
  const root = projectCopy({ "platform.yaml": pgPlatform() });
  const io = collectingIo(root);
  const code = await fleetEmit({ ...base, ...overrides }, io);
  return { code, root, output: io.output() };
}

describe("fleet emit options", () => {
  it.each<[Partial<EmitCommandOptions>, string]>([
    [
      { engine: "k8s-job", image: "x", namespace: "fleet; touch /tmp/pwned" },
      '--namespace "fleet; touch /tmp/pwned": not a Kubernetes namespace',
    ],
    [{ engine: "k8s-job", image: "x", envSecret: "$(id)" }, '--env-secret "$(id)": not a Kubernetes object name'],
    [
      { engine: "k8s-job", image: "registry.example/sei:1 && curl evil" },
      '--image "registry.example/sei:1 && curl evil": not a container image reference',
    ],
    [
      { engine: "github", runsOn: "ubuntu-latest\n    env: {}" },
      '--runs-on "ubuntu-latest\\n    env: {}": not a runner label',
    ],
    [{ output: "../elsewhere" }, '--output "../elsewhere": give a folder inside the repository'],
    [{ output: "/proc/sei-fleet" }, '--output "/proc/sei-fleet": give a folder inside the repository'],
    [{ output: "ci/$(id)" }, "--output \"ci/$(id)\": use letters, digits, '.', '_', '-' and '/' only"],
  ])("refuses %j before writing anything", async (overrides, message) => {
    const { code, root, output } = await emit(overrides);
    expect(output).toContain(message);
    expect(code).toBe(2);
    expect(existsSync(join(root, "ci"))).toBe(false);
  });

  it("names the plan file from the repository root, whatever --output looked like", async () => {
    const { code, root, output } = await emit({ output: "./ci//fleet/" });
    expect(code).toBe(0);
    expect(output).toContain("→ ci/fleet/fleet-plan.json, ci/fleet/fleet-pipeline.yml");
    expect(readFileSync(join(root, "ci/fleet/fleet-pipeline.yml"), "utf8")).toContain(
      "--plan ci/fleet/fleet-plan.json",
    );
  });

  it("a k8s rollout with good names", async () => {
    const { code, root } = await emit({
      engine: "k8s-job",
      output: "ci/k8s",
      image: "registry.example:5000/sei/fleet:1.2@sha256:" + "a".repeat(64),
      namespace: "sei-fleet",
      envSecret: "sei-fleet.env",
    });
    expect(code).toBe(0);
    expect(readFileSync(join(root, "ci/k8s/rollout.sh"), "utf8")).toContain("ns=sei-fleet\n");
  });

  it("shell words: plain when safe, else single-quoted so that nothing in them runs", () => {
    expect(shellWord("ci/fleet/fleet-plan.json")).toBe("ci/fleet/fleet-plan.json");
    expect(shellWord("it's $(id)")).toBe(`'it'\\''s $(id)'`);
  });
});
