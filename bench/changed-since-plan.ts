/**
 * Benchmark (not a timed test): `sei-infra fleet plan --changed-since HEAD`
 * after a one-municipality edit in a 750-municipality fleet, end to end: the
 * selection (both revisions loaded and resolved), the synthesis of the one
 * selected stack, and its real plan with the engine (init, plan, show -json)
 * against local state in the temporary workspace.
 *
 *   npm run bench:changed-since                  # 750 municipalities, 3 runs
 *   npm run bench:changed-since -- --size 100 --runs 5
 *
 * The workspace is a git repository holding a copy of the project (code,
 * chart, tiers, provider lock file) and `size` real municipalities of the
 * official list, every one in production, committed; then one municipality's
 * documents volume is raised in the working tree, so exactly its stack is
 * selected. The plan runs against a control plane of its own (cluster.sh with
 * SEI_E2E_NODE=0, started outside the timed part; the engine and providers of
 * scripts/e2e/toolchain.sh). The first run has a cold engine data folder
 * (init installs the providers), the later ones a warm one.
 * Target (issue 17): under 15 s end to end.
 *
 * `npm test` runs benchChangedSince at a tiny size with no cluster
 * (test/bench/benches.test.ts): the kubeconfig then names a closed
 * port, so everything up to the plan's first API call runs and the plan fails.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseDocument } from "yaml";
import { slugOf } from "../core/ibge.ts";
import { reportSchema, type FleetReport } from "../fleet/report.ts";
import { createWorkspace, storageClassManifests } from "../scripts/lib/e2e-workspace.ts";
import { REPO_ROOT, fittingTier, municipalityYaml, officialList } from "../scripts/lib/fleet-repo.ts";
import { startLocalCluster, type LocalCluster } from "../scripts/lib/local-cluster.ts";

const TARGET_SECONDS = 15;
const FLEET = 750;
/** What git must not see: anything untracked that reaches a stack selects every stack. */
const IGNORED = ["node_modules", ".sei-fleet/", "cdktf.out/", "terraform-state/"];
const REPORT = ".sei-fleet/bench-changed.json";

export interface ChangedSinceRun {
  readonly seconds: number;
  /** User + system CPU of the command and every process it waited for (/usr/bin/time). */
  readonly cpuSeconds: number;
  readonly code: number;
  readonly output: string;
  readonly report: FleetReport;
  /** "synthesized 1 stack(s) in 2.3 s", as the command printed it. */
  readonly synthSeconds: number;
  /** The machine's load average when the run ended. */
  readonly load: string;
}

export interface ChangedSinceFigures {
  readonly municipalities: number;
  /** The edited municipality's stack. */
  readonly edited: string;
  readonly runs: readonly ChangedSinceRun[];
  readonly clusterStartSeconds: number | null;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" });
}

/**
 * A git repository with the project and `size` municipalities committed, platform.yaml set for the
 * kubeconfig in KUBECONFIG with local state, and one municipality edited in the working tree.
 */
function fleetRepository(size: number): { dir: string; edited: string } {
  const dir = createWorkspace([], ["e2e"]);
  const platformFile = join(dir, "platform.yaml");
  const platform = parseDocument(readFileSync(platformFile, "utf8"));
  platform.setIn(["spec", "stateBackend"], { type: "local", directory: "terraform-state" });
  platform.setIn(["spec", "clusters", 0, "allocatable"], { cpu: "4096", memory: "16Ti", storage: "2000Ti" });
  writeFileSync(platformFile, platform.toString());
  const fleet = officialList()
    .slice(0, size)
    .map((official, i) => ({ official, tier: fittingTier(official.population), sequence: i + 1 }));
  for (const m of fleet)
    writeFileSync(join(dir, "municipalities", `${slugOf(m.official.name)}.yaml`), municipalityYaml(m));
  writeFileSync(join(dir, ".gitignore"), `${IGNORED.join("\n")}\n`);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "bench@example.org");
  git(dir, "config", "user.name", "changed-since bench");
  git(dir, "config", "commit.gpgsign", "false");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", `${fleet.length} municipalities`);
  // The smallest pequeno-i municipality gets a larger documents volume: one resolved plan differs.
  const target = fleet
    .filter((m) => m.tier === "pequeno-i")
    .sort((a, b) => a.official.population - b.official.population)[0];
  if (!target) throw new Error(`no pequeno-i municipality among the first ${size}`);
  writeFileSync(
    join(dir, "municipalities", `${slugOf(target.official.name)}.yaml`),
    municipalityYaml({ ...target, overrides: { documentsStorage: "80Gi" } }),
  );
  return { dir, edited: `sei-${slugOf(target.official.name)}` };
}

function measure(cwd: string, env: NodeJS.ProcessEnv): Promise<ChangedSinceRun> {
  // The report goes where git does not look: a new file would select every stack.
  const args = ["fleet", "plan", "--changed-since", "HEAD", "--report", REPORT];
  const reportFile = join(cwd, REPORT);
  rmSync(reportFile, { force: true });
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      "/usr/bin/time",
      ["-f", "cpu %U %S", process.execPath, join(REPO_ROOT, "bin/sei-infra.js"), ...args],
      {
        cwd,
        env: { ...env, CI: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = /^cpu ([\d.]+) ([\d.]+)$/m.exec(output);
      if (!existsSync(reportFile)) return reject(new Error(`no report (exit ${code}):\n${output}`));
      resolvePromise({
        seconds,
        cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
        code: code ?? -1,
        output,
        report: reportSchema.parse(JSON.parse(readFileSync(reportFile, "utf8"))),
        synthSeconds: Number(/^synthesized \d+ stack\(s\) in ([\d.]+) s$/m.exec(output)?.[1] ?? NaN),
        load: loadavg()
          .map((l) => l.toFixed(2))
          .join(" "),
      });
    });
  });
}

/** A kubeconfig whose server is a closed port: the plan's first API call fails at once. */
function unreachableKubeconfig(dir: string): string {
  const file = join(dir, "unreachable.kubeconfig");
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: none, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: none, user: { token: none } }]
contexts: [{ name: sei-e2e, context: { cluster: none, user: none } }]
current-context: sei-e2e
`,
  );
  return file;
}

/**
 * Builds the repository, then runs the command `runs` times. With `cluster`, against a control plane
 * of its own; without, against a closed port (the plan fails: `npm test`'s tiny run).
 */
export async function benchChangedSince(options: {
  size: number;
  runs: number;
  cluster: boolean;
}): Promise<ChangedSinceFigures> {
  const previous = { ...process.env };
  let cluster: LocalCluster | undefined;
  let dir = "";
  const scratch = mkdtempSync(join(tmpdir(), "sei-bench-changed-kube-"));
  try {
    let env: NodeJS.ProcessEnv;
    if (options.cluster) {
      process.env.SEI_E2E_NODE = "0";
      cluster = startLocalCluster("sei-bench-changed-");
      env = cluster.env;
    } else {
      process.env.KUBECONFIG = unreachableKubeconfig(scratch);
      // The CLI configuration given, when it exists, else the toolchain's (providers from its mirror).
      const given = process.env.TF_CLI_CONFIG_FILE;
      if (!given || !existsSync(given))
        process.env.TF_CLI_CONFIG_FILE = join(
          process.env.SEI_TOOLS_CACHE || join(homedir(), ".cache", "sei-infra"),
          "e2e",
          "terraform.rc",
        );
      env = { ...process.env };
    }
    let edited: string;
    ({ dir, edited } = fleetRepository(options.size));
    if (cluster)
      execFileSync("kubectl", ["apply", "-f", "-"], {
        input: storageClassManifests().join("\n---\n"),
        env,
        stdio: ["pipe", "ignore", "inherit"],
      });
    const runs: ChangedSinceRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      // Anything else git sees would select the whole fleet: stop rather than plan 750 stacks.
      const changes = git(dir, "status", "--porcelain").trim().split("\n");
      if (changes.length !== 1)
        throw new Error(`the working tree changed beyond one municipality:\n${changes.join("\n")}`);
      runs.push(await measure(dir, env));
    }
    return { municipalities: options.size, edited, runs, clusterStartSeconds: cluster?.startSeconds ?? null };
  } finally {
    cluster?.stop();
    for (const folder of [dir, scratch]) if (folder) rmSync(folder, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in previous)) delete process.env[key];
    Object.assign(process.env, previous);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => Number(args[args.indexOf(name) + 1]) || undefined;
  const figures = await benchChangedSince({
    size: option("--size") ?? FLEET,
    runs: option("--runs") ?? 3,
    cluster: true,
  });
  console.log(`sei-infra fleet plan --changed-since HEAD --report ${REPORT} (CI=1), in a git repository`);
  console.log(
    `fleet: ${figures.municipalities} municipalities committed; ${figures.edited}'s documents volume raised in the working tree; control plane started in ${figures.clusterStartSeconds?.toFixed(1)} s (not timed)`,
  );
  for (const [i, run] of figures.runs.entries()) {
    const stack = run.report.stacks[0];
    const t = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);
    console.log(
      `  run ${i + 1} (${i === 0 ? "cold engine data folder" : "warm"}): ${run.seconds.toFixed(1)} s wall, CPU ${run.cpuSeconds.toFixed(1)} s, exit ${run.code}; ` +
        `${run.report.stacks.map((s) => `${s.name} ${s.status}`).join(", ")}; synthesis ${run.synthSeconds.toFixed(1)} s, ` +
        `init ${t(stack?.timings.initMs)}, plan ${t(stack?.timings.planMs)}, show ${t(stack?.timings.showMs)}, ` +
        `selection and the rest ${(run.seconds - run.synthSeconds - (stack?.durationMs ?? 0) / 1000).toFixed(1)} s; load ${run.load}`,
    );
  }
  const worst = Math.max(...figures.runs.map((r) => r.seconds));
  console.log(
    `slowest run: ${worst.toFixed(1)} s (target < ${TARGET_SECONDS} s): ${worst < TARGET_SECONDS ? "met" : "MISSED"}`,
  );
  console.log(
    `machine: nproc ${execFileSync("nproc", { encoding: "utf8" }).trim()}, ${cpus()[0]?.model ?? "unknown CPU"}, node ${process.version}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
