/**
 * Benchmark (not a timed test): `sei-infra fleet plan` of 50 deployed
 * municipalities on the local cluster at concurrency 1, 2 and 4 — stacks per
 * minute, peak memory of the whole process tree (sei-infra, engines,
 * providers) — and where one stack's time goes.
 *
 *   npm run bench:fleet                 # 50 stacks, concurrency 1,2,4, side by side with main
 *   npm run bench:fleet -- 20 1,4       # other sizes
 *   npm run bench:fleet -- 20 4 HEAD~3  # side by side with another revision ("-" for none)
 *
 * It builds (once) and starts its own control plane and PostgreSQL
 * (scripts/e2e/toolchain.sh, cluster.sh with a private SEI_E2E_WORK), deploys
 * the municipalities with `fleet apply` (timed too), then plans them all with
 * no change, as a platform change over a deployed fleet begins. The engine is
 * OpenTofu unless TERRAFORM_BINARY_NAME names another. The municipalities are
 * real ones of the official list, in the fleet's tier proportions. The state
 * is encrypted as the example platform.yaml encrypts it (OpenTofu derives
 * the key on every state read and write, a large part of a stack's CPU);
 * SEI_BENCH_STATE=clear plans without encryption, as the figures before
 * 2026-12-07 afternoon were taken.
 *
 * Side by side: the same plans with the code of another revision (default
 * main), checked out into a temporary git worktree, run in a workspace of
 * its own over the same municipalities and the same states, alternating
 * revision, this checkout, revision, this checkout at each concurrency, so
 * that the machine's load falls on both alike.
 * Targets: at least 20 stacks a minute on two cores (issue 10); 35 (issue 17).
 *
 * The measured part (benchFleetPlan: the plans and the breakdown) takes any
 * deployed fleet workspace: `npm run test:e2e` runs it at a tiny size over the
 * stacks test/e2e/fleet.test.ts has deployed, so that it cannot rot unseen.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { reportSchema, type FleetReport } from "../fleet/report.ts";
// The end-to-end suite's workspace: the same project copy, platform.yaml and municipalities.
import { createFleetWorkspace, storageClassManifests } from "../scripts/lib/e2e-workspace.ts";
import { startLocalCluster } from "../scripts/lib/local-cluster.ts";
import { checkoutOf } from "../scripts/lib/revision-checkout.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const TARGET_PER_MINUTE = 35;
const FLEET = 750;
/** The fleet's tier shares (bench:synth's 853 municipalities by population band). */
const SHARES: Record<string, number> = { "pequeno-i": 667, "pequeno-ii": 114, medio: 38, grande: 33, metropole: 1 };

export interface Measured {
  readonly seconds: number;
  /** Highest sum of the resident memory of the process and all its descendants, sampled every 100 ms. */
  readonly peakTreeBytes: number;
  /** User + system CPU of the process and every descendant it waited for (/usr/bin/time). */
  readonly cpuSeconds: number;
  readonly code: number;
}

/** Resident bytes of `pid` and its descendants, from /proc. */
function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      rss.set(Number(entry), Number(fields[21]) * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    total += rss.get(next) ?? 0;
    queue.push(...(children.get(next) ?? []));
  }
  return total;
}

function measure(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  checkout: string = root,
): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      "/usr/bin/time",
      ["-f", "%U %S", process.execPath, join(checkout, "bin", "sei-infra.js"), ...args],
      { cwd, env, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 100);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      const [user, sys] = stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
      resolvePromise({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakTreeBytes: peak,
        cpuSeconds: (user ?? NaN) + (sys ?? NaN),
        code: code ?? -1,
      });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/**
 * Where one stack's plan goes: the engine alone, the engine with its providers, a plan without and with refresh,
 * show -json; each the median of `runs`.
 */
function breakdown(
  dir: string,
  stack: string,
  engine: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): Record<string, number> {
  const scratch = mkdtempSync(join(tmpdir(), "sei-bench-one-"));
  try {
    const out = join(scratch, "out");
    execFileSync("sh", ["-c", JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")).app], {
      cwd: dir,
      env: { ...env, SEI_ONLY: stack.slice(4), CDKTF_OUTDIR: out },
      stdio: "ignore",
    });
    const cwd = join(out, "stacks", stack);
    const dataEnv = {
      ...env,
      TF_DATA_DIR: join(dir, ".sei-fleet", "data", engine.includes("tofu") ? "opentofu" : "terraform", stack),
      TF_IN_AUTOMATION: "1",
    };
    const time = (args: string[]) =>
      median(
        Array.from({ length: runs }, () => {
          const started = process.hrtime.bigint();
          const result = spawnSync(engine, args, { cwd, env: dataEnv, stdio: "ignore" });
          if (result.status !== 0) throw new Error(`${engine} ${args.join(" ")} failed (${result.status})`);
          return Number(process.hrtime.bigint() - started) / 1e9;
        }),
      );
    const plan = join(cwd, "bench.tfplan");
    return {
      "engine start (version)": time(["version"]),
      init: time(["init", "-input=false", "-no-color"]),
      "engine + 3 providers start (providers schema -json)": time(["providers", "schema", "-json"]),
      "plan without refresh": time(["plan", "-refresh=false", "-input=false", "-no-color", `-out=${plan}`]),
      "plan with refresh": time(["plan", "-input=false", "-no-color", `-out=${plan}`]),
      "show -json": time(["show", "-json", plan]),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A workspace with the code of `tree` and the data (platform.yaml, municipalities) of `dir`: the same stacks and
 * states. Every file of the revision is copied, not this checkout's PROJECT_ENTRIES: another revision's
 * synthesis may read files this one does not have (or the reverse).
 */
function workspaceOf(tree: string, dir: string): string {
  const base = mkdtempSync(join(tmpdir(), "sei-bench-base-ws-"));
  const data = new Set([".git", "node_modules", "platform.yaml", "municipalities"]);
  for (const entry of readdirSync(tree).filter((e) => !data.has(e)))
    cpSync(join(tree, entry), join(base, entry), { recursive: true });
  symlinkSync(join(tree, "node_modules"), join(base, "node_modules"), "dir");
  for (const entry of ["platform.yaml", "municipalities"])
    cpSync(join(dir, entry), join(base, entry), { recursive: true });
  return base;
}

const readReport = (dir: string, file: string): FleetReport =>
  reportSchema.parse(JSON.parse(readFileSync(join(dir, file), "utf8")));

/** Prints one measured fleet command with the per-stack means of its report; returns its stacks per minute. */
function printRow(label: string, m: Measured, r: FleetReport): number {
  const perMinute = (r.stacks.length / m.seconds) * 60;
  const t = (key: "initMs" | "planMs" | "showMs" | "applyMs" | "stateMs") => {
    const values = r.stacks.flatMap((s) => (s.timings[key] === undefined ? [] : [s.timings[key]!]));
    return values.length ? `${(mean(values) / 1000).toFixed(1)} s` : "-";
  };
  console.log(
    `  ${label}: ${m.seconds.toFixed(1)} s, ${perMinute.toFixed(1)} stacks/min, peak ${Math.round(m.peakTreeBytes / 1e6)} MB (process tree), CPU ${m.cpuSeconds.toFixed(0)} s; ` +
      `per stack init ${t("initMs")}, plan ${t("planMs")}, show ${t("showMs")}, apply ${t("applyMs")}; ${JSON.stringify(r.summary)}; load ${load()}`,
  );
  return perMinute;
}

export interface PlanRun {
  /** "this checkout", or the revision planned side by side with it. */
  readonly revision: string;
  readonly concurrency: number;
  readonly measured: Measured;
  readonly stacksPerMinute: number;
  readonly report: FleetReport;
}

export interface FleetPlanFigures {
  readonly runs: readonly PlanRun[];
  /** This checkout's best rate. */
  readonly bestPerMinute: number;
  /** The stack whose time the breakdown splits, and the seconds of each part. */
  readonly breakdownStack: string;
  readonly breakdown: Readonly<Record<string, number>>;
}

/**
 * The measured part, on any cluster: `fleet plan` of every stack of `dir` (a fleet workspace whose stacks are
 * deployed) at each concurrency, side by side with the revision `against` unless it is "-", then where one
 * stack's time goes (each engine command the median of `breakdownRuns`). `env` is the cluster's environment.
 * The benchmark runs it on a cluster and fleet of its own; test/e2e/fleet.test.ts at a tiny size on the stacks
 * it has deployed.
 */
export async function benchFleetPlan(options: {
  dir: string;
  env: NodeJS.ProcessEnv;
  concurrencies: readonly number[];
  against: string;
  breakdownRuns: number;
}): Promise<FleetPlanFigures> {
  const { dir, env, against } = options;
  let base: { tree: string; remove: () => void } | undefined;
  let baseDir = "";
  try {
    if (against !== "-") {
      base = checkoutOf(against);
      baseDir = workspaceOf(base.tree, dir);
      const rev = execFileSync("git", ["rev-parse", "--short", against], { cwd: root, encoding: "utf8" }).trim();
      console.log(`side by side: ${against} (${rev}) in ${base.tree}, this checkout in ${root}`);
    }
    const runs: PlanRun[] = [];
    const plan = async (revision: string, concurrency: number, workspace: string, checkout: string, run: number) => {
      const file = `plan-${concurrency}-${run}.json`;
      const m = await measure(
        workspace,
        ["fleet", "plan", "--concurrency", String(concurrency), "--report", file],
        env,
        checkout,
      );
      if (m.code !== 0) throw new Error(`fleet plan (${revision}) failed (${m.code})`);
      const report = readReport(workspace, file);
      const stacksPerMinute = printRow(`plan, concurrency ${concurrency}, ${revision}`, m, report);
      runs.push({ revision, concurrency, measured: m, stacksPerMinute, report });
      return stacksPerMinute;
    };
    for (const concurrency of options.concurrencies) {
      const ours: number[] = [];
      const theirs: number[] = [];
      for (const run of base ? [1, 2] : [1]) {
        if (base) theirs.push(await plan(against, concurrency, baseDir, base.tree, run));
        ours.push(await plan("this checkout", concurrency, dir, root, run));
      }
      if (base)
        console.log(
          `  concurrency ${concurrency}: ${against} ${theirs.map((r) => r.toFixed(1)).join(", ")} stacks/min; this checkout ${ours.map((r) => r.toFixed(1)).join(", ")} stacks/min`,
        );
    }
    const breakdownStack = `sei-${readdirSync(join(dir, "municipalities"))[0]!.slice(0, -".yaml".length)}`;
    return {
      runs,
      bestPerMinute: Math.max(...runs.filter((r) => r.revision === "this checkout").map((r) => r.stacksPerMinute)),
      breakdownStack,
      breakdown: breakdown(dir, breakdownStack, env.TERRAFORM_BINARY_NAME!, env, options.breakdownRuns),
    };
  } finally {
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
    base?.remove();
  }
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 50);
  const concurrencies = (process.argv[3] ?? "1,2,4").split(",").map(Number);
  const against = process.argv[4] ?? "main";
  const encrypted = process.env.SEI_BENCH_STATE !== "clear";
  const cluster = startLocalCluster("sei-bench-fleet-");
  const env: NodeJS.ProcessEnv = {
    ...cluster.env,
    ...(encrypted ? { TF_VAR_sei_state_passphrase: randomBytes(24).toString("base64") } : {}),
  };
  let dir = "";
  try {
    const total = Object.values(SHARES).reduce((a, b) => a + b, 0);
    const counts = Object.fromEntries(
      Object.entries(SHARES).map(([tier, n]) => [tier, Math.round((size * n) / total)]),
    );
    counts["pequeno-i"]! += size - Object.values(counts).reduce((a, b) => a + b, 0);
    ({ dir } = createFleetWorkspace(counts, {}, { stateEncryption: encrypted }));
    execFileSync("kubectl", ["apply", "-f", "-"], {
      input: storageClassManifests().join("\n---\n"),
      env,
      stdio: ["pipe", "ignore", "inherit"],
    });

    console.log(
      `machine: ${cpus()[0]?.model ?? "?"}, nproc ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()}, node ${process.version}, load average ${load()}`,
    );
    console.log(
      `engine: ${spawnSync(env.TERRAFORM_BINARY_NAME!, ["version"], { encoding: "utf8" }).stdout.split("\n")[0]}`,
    );
    console.log(
      `fleet: ${size} municipalities (${Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([t, n]) => `${t} ${n}`)
        .join(
          ", ",
        )}), two cluster entries, state ${encrypted ? "encrypted (pbkdf2 key as each revision synthesizes it)" : "in clear (SEI_BENCH_STATE=clear)"}`,
    );

    const deploy = await measure(
      dir,
      ["fleet", "apply", "--yes", "--waves", "rest", "--concurrency", "4", "--report", "apply.json"],
      env,
    );
    if (deploy.code !== 0) {
      // The workspace goes with the cluster: say here why the stacks failed.
      let failures: string[];
      try {
        failures = readReport(dir, "apply.json")
          .stacks.filter((s) => s.status !== "applied")
          .map((s) => `${s.name} ${s.status}: ${s.error}`);
      } catch (error) {
        failures = [`no report: ${String(error)}`];
      }
      throw new Error(`fleet apply failed (${deploy.code}):\n${failures.join("\n")}`);
    }
    printRow("apply (first deploy), concurrency 4", deploy, readReport(dir, "apply.json"));

    const figures = await benchFleetPlan({ dir, env, concurrencies, against, breakdownRuns: 3 });
    const best = figures.bestPerMinute;
    console.log(
      `projection: ${FLEET} stacks at ${best.toFixed(1)} stacks/min ≈ ${(FLEET / best).toFixed(0)} min on this machine ` +
        `(${best >= TARGET_PER_MINUTE ? "meets" : "MISSES"} target: ≥ ${TARGET_PER_MINUTE} stacks/min); memory stays at the concurrency's peak`,
    );
    console.log(`where one stack's time goes (${figures.breakdownStack}, alone, median of 3):`);
    for (const [what, seconds] of Object.entries(figures.breakdown)) console.log(`  ${what}: ${seconds.toFixed(2)} s`);
  } finally {
    cluster.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
