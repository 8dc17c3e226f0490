/**
 * Benchmark (not a test): `sei-infra capacity --base HEAD~1 --head HEAD
 * --format markdown` on the whole 853-municipality fleet, in a real git
 * repository built in a temporary folder.
 *
 * Revision 1: every official Minas Gerais municipality, tier by population
 * band, most in production, one in ten still contracted (pipeline), every
 * third on the second cluster. Revision 2: 40 municipalities move up a tier
 * and one tier definition changes (pequeno-ii gets more app memory and a
 * larger document repository), so about a tenth of the fleet changes.
 *
 * The example clusters of platform.yaml are sized for a few instances, so the
 * benchmark's copy declares clusters large enough for the whole fleet: the
 * run measures the normal path (exit 0), not the overcommit error.
 *
 * Run: npm run bench:capacity [-- --runs N] [-- --size N] [-- --keep]. Target:
 * median under 2 s on the 853. `npm test` runs benchCapacity at a tiny size
 * (test/bench/benches.test.ts) so the benchmark cannot rot unnoticed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import {
  FixtureRepo,
  officialList,
  REPO_ROOT,
  fittingTier,
  type MunicipalityFixture,
} from "../scripts/lib/fleet-repo.ts";
import { TIER_IDS } from "../core/schema/municipality.ts";

const TARGET_SECONDS = 2;

/**
 * Loaded before the CLI in the measured process: prints its CPU time at exit.
 * On a shared machine the wall time includes waiting for a CPU; this does not.
 */
const CPU_REPORT = `--import=data:text/javascript,${encodeURIComponent(
  'process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write(`\\ncpu-us ${u.user + u.system}\\n`); });',
)}`;
const TIER_CHANGES = 40;

export interface CapacityBenchFigures {
  readonly municipalities: number;
  /** Municipalities moved up one tier in the second revision (at most 40). */
  readonly tierChanges: number;
  /** Municipalities the report lists as changed. */
  readonly changed: number;
  readonly medianSeconds: number;
  readonly medianCpuSeconds: number;
  readonly targetMet: boolean;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Builds the two revisions (the first `size` municipalities of the official list), runs the command `runs` times. */
export function benchCapacity(options: { runs: number; size?: number; keep?: boolean }): CapacityBenchFigures {
  const repo = new FixtureRepo();
  try {
    // Clusters large enough for the whole fleet: the run measures the normal path, not the overcommit error.
    repo.setYaml("platform.yaml", ["spec", "clusters", 0, "allocatable"], {
      cpu: "1024",
      memory: "4Ti",
      storage: "400Ti",
    });
    repo.setYaml("platform.yaml", ["spec", "clusters", 1, "allocatable"], {
      cpu: "512",
      memory: "2Ti",
      storage: "200Ti",
    });

    const fleet: MunicipalityFixture[] = officialList()
      .slice(0, options.size)
      .map((official, i) => ({
        official,
        tier: fittingTier(official.population),
        phase: i % 10 === 9 ? "contracted" : i % 10 === 8 ? "training" : "production",
        ...(i % 3 === 2 ? { cluster: "prodemge-bh-2" } : {}),
        sequence: i + 1,
      }));
    for (const m of fleet) repo.municipality(m);
    repo.commit(`${fleet.length} municipalities`);

    // The 40 most populous of the formalized municipalities below the top tier move up one tier.
    const movers = fleet
      .filter((m) => m.phase !== "contracted" && m.tier !== "metropole")
      .sort((a, b) => b.official.population - a.official.population)
      .slice(0, TIER_CHANGES);
    for (const m of movers) repo.municipality({ ...m, tier: TIER_IDS[TIER_IDS.indexOf(m.tier) + 1]! });
    repo.setYaml("tiers/pequeno-ii.yaml", ["spec", "app", "resources", "requests", "memory"], "1Gi");
    repo.setYaml("tiers/pequeno-ii.yaml", ["spec", "documents", "storage"], "200Gi");
    repo.commit(`${movers.length} tier changes and a larger pequeno-ii`);

    const command = [
      CPU_REPORT,
      join(REPO_ROOT, "bin/sei-infra.js"),
      "capacity",
      "--base",
      "HEAD~1",
      "--head",
      "HEAD",
      "--format",
      "markdown",
    ];
    const seconds: number[] = [];
    const cpuSeconds: number[] = [];
    let report = "";
    for (let run = 0; run < options.runs; run++) {
      const start = performance.now();
      const result = spawnSync(process.execPath, command, { cwd: repo.root, encoding: "utf8", maxBuffer: 2 ** 28 });
      seconds.push((performance.now() - start) / 1000);
      if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
      cpuSeconds.push(Number(/^cpu-us (\d+)$/m.exec(result.stderr)?.[1]) / 1e6);
      report = result.stdout;
    }
    if (options.keep) console.log(`repository kept: ${repo.root}`);
    return {
      municipalities: fleet.length,
      tierChanges: movers.length,
      changed: Number(/(\d+) municipalit(?:y|ies) changes?/.exec(report)?.[1] ?? NaN),
      medianSeconds: median(seconds),
      medianCpuSeconds: median(cpuSeconds),
      targetMet: median(seconds) < TARGET_SECONDS,
    };
  } finally {
    if (!options.keep) repo.dispose();
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => Number(args[args.indexOf(name) + 1]) || undefined;
  const figures = benchCapacity({ runs: option("--runs") ?? 7, size: option("--size"), keep: args.includes("--keep") });
  console.log(`sei-infra capacity --base HEAD~1 --head HEAD --format markdown`);
  console.log(
    `fleet: ${figures.municipalities} municipalities; ${figures.tierChanges} tier changes + 1 tier definition change → ${figures.changed} municipalities in the report`,
  );
  console.log(
    `median: ${figures.medianSeconds.toFixed(2)} s wall (target < ${TARGET_SECONDS} s): ${figures.targetMet ? "met" : "MISSED"}`,
  );
  console.log(
    `CPU time (user + system) of the node process, median: ${figures.medianCpuSeconds.toFixed(2)} s (no waiting for a busy CPU; git's processes not counted)`,
  );
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  console.log(
    `machine: nproc ${execFileSync("nproc", { encoding: "utf8" }).trim()}, ${cpus()[0]?.model ?? "unknown CPU"}, node ${process.version}, load average ${load}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
