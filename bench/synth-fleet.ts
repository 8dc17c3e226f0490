/**
 * Benchmark (not a timed test): synthesizes the whole fleet of 853 Minas
 * Gerais municipalities, then one municipality alone, with the real app
 * (the cdktf.json command), and reports wall time and peak memory.
 *
 *   npm run bench:synth
 *
 * The fleet comes from data/ibge/minas-gerais.csv (scripts/lib/fleet-repo.ts,
 * the capacity tests' generator): every municipality in production, its tier
 * chosen by population band from tiers/. Everything is
 * written to a temporary folder, deleted afterwards.
 * Targets (issue 3): fleet < 15 s and < 1.5 GB peak; one municipality < 2 s.
 * `npm run bench:synth -- --size N` synthesizes the first N only; `npm test`
 * runs benchSynth at a tiny size (test/bench/benches.test.ts) so it cannot rot.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { slugOf } from "../core/ibge.ts";
import { fittingTier, municipalityYaml, officialList } from "../scripts/lib/fleet-repo.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const TARGETS = { fleetSeconds: 15, fleetPeakBytes: 1.5e9, oneSeconds: 2 };

/** Writes one production municipality file per official municipality (the first `size`) into `dir`, its tier by population band. */
function writeFleet(dir: string, size?: number): { count: number; byTier: Record<string, number>; first: string } {
  const byTier: Record<string, number> = {};
  const fleet = officialList().slice(0, size);
  fleet.forEach((official, index) => {
    const tier = fittingTier(official.population);
    byTier[tier] = (byTier[tier] ?? 0) + 1;
    writeFileSync(
      join(dir, `${slugOf(official.name)}.yaml`),
      municipalityYaml({ official, tier, phase: "production", sequence: index + 1 }),
    );
  });
  return { count: fleet.length, byTier, first: slugOf(fleet[0]!.name) };
}

export interface Run {
  readonly seconds: number;
  readonly peakBytes: number;
  /** User + system CPU time: unlike wall time, it hardly depends on what else the machine runs. */
  readonly cpuSeconds: number;
  readonly stdout: string;
}

/** Runs the app as cdktf.json does; measures with /usr/bin/time -v, else the child's own maxRSS. */
function runApp(env: Record<string, string>, rssFile: string): Run {
  const app = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")).app as string;
  const timeBinary = "/usr/bin/time";
  const useTime = existsSync(timeBinary);
  const command = useTime ? `${timeBinary} -v ${app}` : app;
  const childEnv = {
    ...process.env,
    ...env,
    // Fallback meter: the app's process reports its own peak RSS on exit.
    ...(useTime
      ? {}
      : {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${join(root, "bench/max-rss.js")}`.trim(),
          SEI_BENCH_RSS_FILE: rssFile,
        }),
  };
  const started = process.hrtime.bigint();
  const result = spawnSync(command, {
    cwd: root,
    env: childEnv,
    shell: true,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`app failed (exit ${result.status}):\n${result.stderr}`);
  }
  if (useTime) {
    const field = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(result.stderr)?.[1] ?? NaN);
    return {
      seconds,
      peakBytes: field("Maximum resident set size \\(kbytes\\)") * 1024,
      cpuSeconds: field("User time \\(seconds\\)") + field("System time \\(seconds\\)"),
      stdout: result.stdout,
    };
  }
  const usage = JSON.parse(readFileSync(rssFile, "utf8")) as {
    maxRSS: number;
    userCPUTime: number;
    systemCPUTime: number;
  };
  return {
    seconds,
    peakBytes: usage.maxRSS * 1024,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    stdout: result.stdout,
  };
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const nproc = spawnSync("nproc", { encoding: "utf8" }).stdout.trim() || String(cpus().length);
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return `${cpu}, nproc ${nproc}, node ${process.version}, load average ${load}`;
}

export interface SynthBenchFigures {
  readonly municipalities: number;
  readonly byTier: Readonly<Record<string, number>>;
  readonly stacks: number;
  readonly first: string;
  readonly all: Run;
  readonly one: Run;
}

/** Synthesizes the first `size` official municipalities (default all), then the first of them alone. */
export function benchSynth(options: { size?: number } = {}): SynthBenchFigures {
  const work = mkdtempSync(join(tmpdir(), "sei-bench-synth-"));
  try {
    const municipalities = join(work, "municipalities");
    mkdirSync(municipalities);
    const fleet = writeFleet(municipalities, options.size);
    const out = (name: string) => join(work, name);
    const rss = join(work, "max-rss");
    const env = { SEI_MUNICIPALITIES_DIR: municipalities, CHECKPOINT_DISABLE: "1" };

    const all = runApp({ ...env, CDKTF_OUTDIR: out("fleet.out") }, rss);
    const stacks = readdirSync(join(out("fleet.out"), "stacks")).length;
    const one = runApp({ ...env, CDKTF_OUTDIR: out("one.out"), SEI_ONLY: fleet.first }, rss);
    return { municipalities: fleet.count, byTier: fleet.byTier, stacks, first: fleet.first, all, one };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const size = Number(args[args.indexOf("--size") + 1]) || undefined;
  const { municipalities, byTier, stacks, first, all, one } = benchSynth({ size });
  const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
  const verdict = (ok: boolean) => (ok ? "meets target" : "MISSES target");
  const tiers = Object.entries(byTier)
    .map(([t, n]) => `${t} ${n}`)
    .join(", ");
  console.log(`machine: ${machine()}`);
  console.log(`fleet: ${municipalities} municipalities (${tiers}), ${stacks} stacks written`);
  console.log(
    `  whole fleet: ${all.seconds.toFixed(2)} s, peak ${mb(all.peakBytes)}, CPU ${all.cpuSeconds.toFixed(1)} s  ` +
      `(${verdict(all.seconds < TARGETS.fleetSeconds && all.peakBytes < TARGETS.fleetPeakBytes)}: < ${TARGETS.fleetSeconds} s, < ${mb(TARGETS.fleetPeakBytes)})`,
  );
  console.log(
    `  one (SEI_ONLY=${first}): ${one.seconds.toFixed(2)} s, peak ${mb(one.peakBytes)}, CPU ${one.cpuSeconds.toFixed(1)} s  ` +
      `(${verdict(one.seconds < TARGETS.oneSeconds)}: < ${TARGETS.oneSeconds} s)`,
  );
  const summary = all.stdout.trim().split("\n").at(-1);
  console.log(`  app summary: ${summary}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
