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
 * Run: npm run bench:capacity [-- --runs N] [-- --keep]. Target: median under 2 s.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
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

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 7;
const keep = args.includes("--keep");

const repo = new FixtureRepo();
try {
  repo.edit(
    "platform.yaml",
    'allocatable: { cpu: "256", memory: 1Ti, storage: 100Ti }',
    'allocatable: { cpu: "1024", memory: 4Ti, storage: 400Ti }',
  );
  repo.edit(
    "platform.yaml",
    'allocatable: { cpu: "128", memory: 512Gi, storage: 60Ti }',
    'allocatable: { cpu: "512", memory: 2Ti, storage: 200Ti }',
  );

  const fleet: MunicipalityFixture[] = officialList().map((official, i) => ({
    official,
    tier: fittingTier(official.population),
    phase: i % 10 === 9 ? "contracted" : i % 10 === 8 ? "training" : "production",
    ...(i % 3 === 2 ? { cluster: "prodemge-bh-2" } : {}),
    sequence: i + 1,
  }));
  for (const m of fleet) repo.municipality(m);
  repo.commit("853 municipalities");

  // The 40 most populous of the formalized municipalities below the top tier move up one tier.
  const movers = fleet
    .filter((m) => m.phase !== "contracted" && m.tier !== "metropole")
    .sort((a, b) => b.official.population - a.official.population)
    .slice(0, TIER_CHANGES);
  for (const m of movers) repo.municipality({ ...m, tier: TIER_IDS[TIER_IDS.indexOf(m.tier) + 1]! });
  repo.edit("tiers/pequeno-ii.yaml", "requests: { cpu: 250m, memory: 768Mi }", "requests: { cpu: 250m, memory: 1Gi }");
  repo.edit("tiers/pequeno-ii.yaml", "storage: 150Gi ", "storage: 200Gi ");
  repo.commit(`${TIER_CHANGES} tier changes and a larger pequeno-ii`);

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
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, command, { cwd: repo.root, encoding: "utf8", maxBuffer: 2 ** 28 });
    seconds.push((performance.now() - start) / 1000);
    if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
    cpuSeconds.push(Number(/^cpu-us (\d+)$/m.exec(result.stderr)?.[1]) / 1e6);
    report = result.stdout;
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const changed = /(\d+) municipalities change/.exec(report)?.[1] ?? "?";
  console.log(`sei-infra capacity --base HEAD~1 --head HEAD --format markdown`);
  console.log(
    `fleet: ${fleet.length} municipalities; ${TIER_CHANGES} tier changes + 1 tier definition change → ${changed} municipalities in the report`,
  );
  console.log(`runs: ${seconds.map((s) => s.toFixed(2)).join(" ")} s`);
  console.log(
    `median: ${median(seconds).toFixed(2)} s wall (target < ${TARGET_SECONDS} s): ${median(seconds) < TARGET_SECONDS ? "met" : "MISSED"}`,
  );
  console.log(
    `CPU time (user + system) of the node process, median: ${median(cpuSeconds).toFixed(2)} s (no waiting for a busy CPU; git's processes not counted)`,
  );
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  console.log(
    `machine: nproc ${execFileSync("nproc", { encoding: "utf8" }).trim()}, ${cpus()[0]?.model ?? "unknown CPU"}, node ${process.version}, load average ${load}`,
  );
  if (keep) console.log(`repository kept: ${repo.root}`);
} finally {
  if (!keep) repo.dispose();
}
