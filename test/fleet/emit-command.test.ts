/**
 * `fleet emit` as a command, in a copy of the project: the options that reach
 * the pipeline files are checked before anything is written, and the files
 * name their paths from the repository root.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fleetEmit, type EmitCommandOptions } from "../../fleet/emit/write-pipeline.ts";
import { shellWord } from "../../fleet/emit/options.ts";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { collectingIo, localPlatform, projectCopy } from "./project.ts";

const base: EmitCommandOptions = {
  engine: "gitlab",
  output: "ci/fleet",
  waves: "canary,rest",
  maxFailures: "0",
  concurrency: 2,
  municipalities: "municipalities",
};

async function emit(overrides: Partial<EmitCommandOptions>) {
  const root = projectCopy();
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

  it("refuses a platform that keeps state in local files: it would die with the runner", async () => {
    const root = projectCopy({ "platform.yaml": localPlatform() });
    const io = collectingIo(root);
    expect(await fleetEmit(base, io)).toBe(2);
    expect(io.output()).toContain("platform.yaml keeps state in local files (stateBackend: local)");
    expect(existsSync(join(root, "ci"))).toBe(false);
  });

  it("installs the OpenTofu release scripts/e2e/toolchain.sh pins in the GitHub workflow", async () => {
    const { code, root } = await emit({ engine: "github" });
    expect(code).toBe(0);
    const version = /SEI_TOFU_VERSION:-v([\d.]+)/.exec(
      readFileSync(join(REPO_ROOT, "scripts/e2e/toolchain.sh"), "utf8"),
    )![1];
    expect(readFileSync(join(root, "ci/fleet/sei-fleet-rollout.yml"), "utf8")).toContain(`tofu_version: ${version}\n`);
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

  it("--check: exit 0 while the committed pipeline is what emit writes, 1 once the fleet changed; writes nothing", async () => {
    const { code, root } = await emit({});
    expect(code).toBe(0);
    const check = async () => {
      const io = collectingIo(root);
      return { code: await fleetEmit({ ...base, check: true }, io), output: io.output() };
    };
    expect(await check()).toEqual({ code: 0, output: "ci/fleet: the pipeline is up to date\n" });
    // A new municipality: the committed pipeline does not apply it.
    const tiradentes = readFileSync(join(root, "municipalities/tiradentes.yaml"), "utf8");
    writeFileSync(
      join(root, "municipalities/tiradentes.yaml"),
      tiradentes.replace(/tier: \S+/, "tier: pequeno-ii").replace(/population: \d+/, "population: 12000"),
    );
    const stale = await check();
    expect(stale.code, stale.output).toBe(1);
    expect(stale.output).toContain("sei-infra fleet emit --check: ci/fleet/fleet-plan.json differs\n");
    expect(stale.output).toContain(
      "the committed pipeline is stale: run the same fleet emit without --check and commit ci/fleet/",
    );
    rmSync(join(root, "ci/fleet/fleet-pipeline.yml"));
    expect((await check()).output).toContain("ci/fleet/fleet-pipeline.yml is missing");
    expect(existsSync(join(root, "ci/fleet/fleet-pipeline.yml"))).toBe(false);
  });

  it("--check: names the files in the output folder that emit no longer writes", async () => {
    const { code, root } = await emit({ engine: "k8s-job", image: "x", output: "ci/k8s", waves: "canary,80%,rest" });
    expect(code).toBe(0);
    expect(existsSync(join(root, "ci/k8s/wave-3.yaml"))).toBe(true);
    mkdirSync(join(root, "ci/k8s/old"));
    writeFileSync(join(root, "ci/k8s/\u001b[2Jnotes.txt"), "left by hand\n");
    const io = collectingIo(root);
    const check = { ...base, engine: "k8s-job", image: "x", output: "ci/k8s", waves: "canary,rest", check: true };
    expect(await fleetEmit(check as EmitCommandOptions, io)).toBe(1);
    const output = io.output();
    expect(output).toContain("sei-infra fleet emit --check: ci/k8s/wave-3.yaml is not written by emit any more\n");
    expect(output).toContain("sei-infra fleet emit --check: ci/k8s/old is not written by emit any more\n");
    expect(output).toContain(
      "sei-infra fleet emit --check: ci/k8s/\\u001b[2Jnotes.txt is not written by emit any more\n",
    );
    expect(output).not.toContain("\u001b");
    expect(output).toContain("delete what emit no longer writes (--prune deletes the files it owns)");
    expect(existsSync(join(root, "ci/k8s/wave-3.yaml"))).toBe(true);
  });

  it("--prune deletes only what emit owns: its files of an earlier run, never a link, a folder or another file", async () => {
    const k8s = { engine: "k8s-job", image: "x", output: "ci/k8s" } as const;
    const { code, root } = await emit({ ...k8s, waves: "canary,80%,rest" });
    expect(code).toBe(0);
    const dir = join(root, "ci/k8s");
    expect(existsSync(join(dir, "wave-3.yaml"))).toBe(true);
    // A killed run's temporary file; a link at a name emit owns, to a file outside; someone's notes; a folder.
    writeFileSync(join(dir, "plan.yaml.4242.tmp"), "half written\n");
    writeFileSync(join(root, "outside.txt"), "not emit's\n");
    symlinkSync(join(root, "outside.txt"), join(dir, "wave-7.yaml"));
    writeFileSync(join(dir, "notes.txt"), "left by hand\n");
    mkdirSync(join(dir, "wave-9.yaml"));

    // Without --prune: named, nothing deleted.
    const kept = collectingIo(root);
    expect(await fleetEmit({ ...base, ...k8s, waves: "canary,rest" }, kept)).toBe(0);
    expect(kept.output()).toContain(
      "sei-infra fleet emit: ci/k8s/wave-3.yaml is not written by emit any more: --prune deletes it\n",
    );
    expect(existsSync(join(dir, "wave-3.yaml"))).toBe(true);

    const pruned = collectingIo(root);
    expect(await fleetEmit({ ...base, ...k8s, waves: "canary,rest", prune: true }, pruned)).toBe(0);
    const output = pruned.output();
    expect(output).toContain("removed ci/k8s/wave-3.yaml: emit no longer writes it\n");
    expect(output).toContain("removed ci/k8s/plan.yaml.4242.tmp: emit no longer writes it\n");
    for (const name of ["notes.txt", "wave-7.yaml", "wave-9.yaml"])
      expect(output).toContain(`sei-infra fleet emit: ci/k8s/${name} is not a file emit writes: left alone\n`);
    expect(readdirSync(dir).sort()).toEqual([
      "fleet-plan.json",
      "notes.txt",
      "plan.yaml",
      "report.yaml",
      "rollout.sh",
      "schedule.yaml",
      "wave-1.yaml",
      "wave-2.yaml",
      "wave-7.yaml",
      "wave-9.yaml",
    ]);
    expect(lstatSync(join(dir, "wave-7.yaml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, "outside.txt"), "utf8")).toBe("not emit's\n");

    // Another engine into the same folder: the k8s files are emit's too, and go.
    const gitlab = collectingIo(root);
    expect(await fleetEmit({ ...base, output: "ci/k8s", prune: true }, gitlab)).toBe(0);
    expect(gitlab.output()).toContain("removed ci/k8s/rollout.sh: emit no longer writes it\n");
    expect(readdirSync(dir).sort()).toEqual([
      "fleet-pipeline.yml",
      "fleet-plan.json",
      "fleet-schedule.yml",
      "notes.txt",
      "wave-7.yaml",
      "wave-9.yaml",
    ]);
  });

  it("--prune with --check is a usage error: one writes nothing, the other deletes", async () => {
    const { code, output } = await emit({ check: true, prune: true });
    expect(code).toBe(2);
    expect(output).toContain("--check writes nothing and --prune deletes: give one of them");
  });

  it("shell words: plain when safe, else single-quoted so that nothing in them runs", () => {
    expect(shellWord("ci/fleet/fleet-plan.json")).toBe("ci/fleet/fleet-plan.json");
    expect(shellWord("it's $(id)")).toBe(`'it'\\''s $(id)'`);
  });
});
