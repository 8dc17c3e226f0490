/**
 * The cdktf app end to end, run as cdktf runs it (the cdktf.json command in a
 * child process): the example fleet, secrets, an invalid file, SEI_ONLY, and
 * the cdktf CLI's own `synth --output`.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../report/diagnostics/text.ts";
import { loadFleet } from "../../core/load-fleet.ts";
import { workingTree } from "../../sources/working-tree.ts";
import { REPO_ROOT, cleanScratch, runApp, scratchDir, tree, type AppRun } from "./support.ts";

afterAll(cleanScratch);

const FORMALIZED = [
  "belo-horizonte",
  "diamantina",
  "ouro-preto",
  "passa-vinte",
  "sao-tome-das-letras",
  "tiradentes",
  "uberlandia",
];
const CONTRACTED = "serra-da-saudade";

/** Values that must never reach cdktf.out, planted where a careless app could read them. */
const SENTINELS = {
  PG_CONN_STR: "postgres://sei:pg-SENTINEL-4f1c@state.example/sei",
  AWS_SECRET_ACCESS_KEY: "aws-SENTINEL-9b2e",
  KUBE_TOKEN: "kube-SENTINEL-77aa",
  TF_VAR_root_password: "tfvar-SENTINEL-1d0d",
};

const stackNames = (outdir: string) =>
  Object.keys((JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: object }).stacks).sort();

/** A copy of the example municipalities, optionally edited. */
function municipalitiesCopy(edit?: (dir: string) => void): string {
  const dir = join(scratchDir("sei-municipalities-"), "municipalities");
  cpSync(join(REPO_ROOT, "municipalities"), dir, { recursive: true });
  edit?.(dir);
  return dir;
}

/** An output folder holding a previous synthesis (a marker file stands for it). */
function previousOutput(): { outdir: string; before: Record<string, string> } {
  const outdir = join(scratchDir("sei-out-"), "cdktf.out");
  mkdirSync(join(outdir, "stacks", "sei-old"), { recursive: true });
  writeFileSync(join(outdir, "manifest.json"), '{"stacks":{"sei-old":{}},"version":"previous"}\n');
  writeFileSync(join(outdir, "stacks", "sei-old", "cdk.tf.json"), "{}\n");
  return { outdir, before: tree(outdir) };
}

const leftovers = (outdir: string) =>
  readdirSync(dirname(outdir)).filter((n) => n.includes(".staging-") || n.includes(".retired-"));

describe("the example fleet", () => {
  let run: AppRun;
  let outdir: string;

  beforeAll(() => {
    outdir = join(scratchDir("sei-example-"), "cdktf.out");
    run = runApp({ CDKTF_OUTDIR: outdir, ...SENTINELS });
  });

  it("synthesizes one stack per formalized municipality, none for a contracted one, and prints a summary", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(stackNames(outdir)).toEqual(FORMALIZED.map((n) => `sei-${n}`));
    expect(existsSync(join(outdir, "stacks", `sei-${CONTRACTED}`))).toBe(false);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^municipality\s+tier\s+phase\s+stack\s+resources$/);
    expect(lines.find((l) => l.startsWith("uberlandia "))).toMatch(
      /^uberlandia\s+grande\s+production\s+sei-uberlandia\s+\d+$/,
    );
    expect(lines.at(-1)).toMatch(/^7 stack\(s\), \d+ resources$/);
    expect(leftovers(outdir)).toEqual([]);
  });

  it("writes no password, key, token or connection string into cdktf.out", () => {
    const files = tree(outdir);
    const all = Object.values(files).join("\n");
    for (const [name, value] of Object.entries(SENTINELS)) expect(all.includes(value), name).toBe(false);

    const secretLike = /(password|passwd|token|conn_str|secret_key|access_key|private_key|client_key|chave)$/i;
    const reference = /^\$\{[a-z_]+\.[A-Za-z0-9_]+(\.[A-Za-z0-9_[\]]+|\["[A-Za-z0-9_]+"\])*\}$/;
    const offenders: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === "object") {
        for (const [key, v] of Object.entries(value)) {
          if (secretLike.test(key) && typeof v === "string" && !reference.test(v)) offenders.push(`${path}.${key}`);
          walk(v, `${path}.${key}`);
        }
      }
    };
    for (const [file, text] of Object.entries(files)) if (file.endsWith(".json")) walk(JSON.parse(text), file);
    expect(offenders).toEqual([]);

    for (const name of FORMALIZED) {
      const stack = JSON.parse(files[`stacks/sei-${name}/cdk.tf.json`]!) as {
        resource: Record<string, Record<string, { data?: Record<string, string> }>>;
      };
      const secrets = Object.values(stack.resource.kubernetes_secret_v1 ?? {});
      expect(secrets).toHaveLength(3);
      for (const secret of secrets) {
        // Only generated values (the access keys carry their system's crc, a constant of the reference
        // dumps, first) or the directory's bind account read from PRODEMGE's Secret at plan time; beside
        // them, the Solr user names, which are no secret (core/resolve/rotation.ts, solrUserOf).
        const { SOLR_USERNAME: user, SOLR_PREVIOUS_USERNAME: previousUser, ...values } = secret.data ?? {};
        for (const name of [user, previousUser]) if (name !== undefined) expect(name).toMatch(/^sei(-[1-9]\d*)?$/);
        for (const value of Object.values(values))
          expect(value).toMatch(
            /^((d27791b8|7babf862)?\$\{random_password\.[A-Za-z0-9_]+\.result\}|\$\{data\.kubernetes_secret_v1\.[A-Za-z0-9_]+\.data\["(bindDn|password)"\]\})$/,
          );
      }
    }
  });
});

describe("an invalid municipality file", () => {
  const dir = municipalitiesCopy((d) => {
    const file = join(d, "tiradentes.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("tier: pequeno-i", "tier: enorme"));
  });
  const municipalitiesDir = relative(REPO_ROOT, dir);
  const expected = loadFleet({ source: workingTree(REPO_ROOT), municipalitiesDir })
    .diagnostics.filter((d) => d.severity === "error")
    .map(formatDiagnostic);

  it("stops synthesis with the messages validate prints, and leaves the previous output as it was", () => {
    expect(expected.length).toBeGreaterThan(0);
    const { outdir, before } = previousOutput();
    const run = runApp({ CDKTF_OUTDIR: outdir, SEI_MUNICIPALITIES_DIR: dir });
    expect(run.status).toBe(1);
    for (const message of expected) expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("tiradentes.yaml");
    expect(tree(outdir)).toEqual(before);
    expect(leftovers(outdir)).toEqual([]);
  });

  it("does not block a deploy of another municipality (SEI_ONLY validates only the selected files)", () => {
    const outdir = join(scratchDir("sei-out-"), "cdktf.out");
    const run = runApp({ CDKTF_OUTDIR: outdir, SEI_MUNICIPALITIES_DIR: dir, SEI_ONLY: "uberlandia" });
    expect(run.stderr).toBe("");
    expect(stackNames(outdir)).toEqual(["sei-uberlandia"]);
    expect(runApp({ CDKTF_OUTDIR: outdir, SEI_MUNICIPALITIES_DIR: dir, SEI_ONLY: "tiradentes" }).status).toBe(1);
  });

  it("refuses a municipalities folder that does not exist (a typo), leaving the previous output as it was", () => {
    // Synthesizing "no municipality" would publish an empty output folder, and cdktf would drop every stack folder.
    const { outdir, before } = previousOutput();
    const run = runApp({ CDKTF_OUTDIR: outdir, SEI_MUNICIPALITIES_DIR: join(dirname(dir), "municipalites") });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/municipalities folder .*municipalites: no such folder\nsynthesis stopped: /);
    expect(tree(outdir)).toEqual(before);
    expect(leftovers(outdir)).toEqual([]);
  });

  it("writes no output folder at all when there was none", () => {
    const outdir = join(scratchDir("sei-out-"), "cdktf.out");
    const run = runApp({ CDKTF_OUTDIR: outdir, SEI_MUNICIPALITIES_DIR: dir });
    expect(run.status).toBe(1);
    expect(existsSync(outdir)).toBe(false);
    expect(leftovers(outdir)).toEqual([]);
  });
});

describe("SEI_ONLY", () => {
  it("synthesizes only the named municipalities", () => {
    const outdir = join(scratchDir("sei-only-"), "cdktf.out");
    const run = runApp({ CDKTF_OUTDIR: outdir, SEI_ONLY: "uberlandia, tiradentes" });
    expect(run.status).toBe(0);
    expect(stackNames(outdir)).toEqual(["sei-tiradentes", "sei-uberlandia"]);
    expect(run.stdout).toMatch(/^2 stack\(s\), \d+ resources$/m);
  });

  it.each([
    // The messages fleet --only and restore print too (shell/names.ts).
    [
      "an unknown name",
      "uberlandia,atlantis",
      /^SEI_ONLY atlantis: no municipality of that name in municipalities\/\n/m,
    ],
    [
      "a municipality not yet published on the PNCP",
      CONTRACTED,
      /^SEI_ONLY serra-da-saudade: the municipality is in phase contracted; nothing is deployed before the contract is published on the PNCP\n/m,
    ],
  ])("refuses %s and writes nothing", (_, only, message) => {
    const { outdir, before } = previousOutput();
    const run = runApp({ CDKTF_OUTDIR: outdir, SEI_ONLY: only });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(tree(outdir)).toEqual(before);
  });
});

describe("npx cdktf synth --output", () => {
  it("runs the same app into the given folder and lets the CLI drop stacks no longer synthesized", () => {
    const outdir = join(scratchDir("sei-cli-"), "out");
    expect(runApp({ CDKTF_OUTDIR: outdir }).status).toBe(0);
    expect(stackNames(outdir)).toHaveLength(FORMALIZED.length);

    const cli = spawnSync("npx", ["cdktf", "synth", "--output", outdir], {
      cwd: REPO_ROOT,
      env: { ...process.env, SEI_ONLY: "uberlandia", CHECKPOINT_DISABLE: "1", CI: "1" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(cli.status, cli.stderr + cli.stdout).toBe(0);
    expect(stackNames(outdir)).toEqual(["sei-uberlandia"]);
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["sei-uberlandia"]);
  });
});
