/**
 * `npm run bench:validate`: how long `sei-infra validate` takes on a fleet of
 * all 853 Minas Gerais municipalities (target: under 1 s wall time, node start
 * included). The fleet is generated from the official list into a temporary
 * folder by scripts/lib/fleet-repo.ts (the capacity tests' generator): the
 * tier each population band calls for, every phase in rotation, PNCP ids with
 * valid CNPJ check digits. Then the real command runs several times as a
 * child process, through the bundled start-up path and through tsx for
 * comparison; and once more with the fleet committed in a git checkout, where
 * validate also compares it with HEAD (renames, removals, shrinking volumes).
 * A benchmark, not a test: it prints figures and the machine.
 *
 * Options: --runs N (default 10), --size N (the first N of the official list;
 * default all), --keep (leave the generated folder). `npm test` runs
 * benchValidate at a tiny size (test/bench/benches.test.ts) so it cannot rot.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { slugOf } from "../core/ibge.ts";
import { PHASES } from "../core/schema/municipality.ts";
import { FixtureRepo, fittingTier, municipalityYaml, officialList } from "../scripts/lib/fleet-repo.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "sei-infra.js");

export interface ValidateBenchFigures {
  readonly files: number;
  readonly bundled: readonly Timing[];
  readonly viaTsx: readonly Timing[];
  readonly inCheckout: readonly Timing[];
}

/** Writes the first `size` official municipalities (every phase in rotation) and times validate on them. */
export function benchValidate(options: { runs: number; size?: number; keep?: boolean }): ValidateBenchFigures {
  const official = officialList().slice(0, options.size);
  const dir = mkdtempSync(join(tmpdir(), "sei-fleet-"));
  const checkout = new FixtureRepo();
  try {
    official.forEach((m, index) => {
      // Every phase in rotation; a larger document repository on one file in ten.
      const file = municipalityYaml({
        official: m,
        tier: fittingTier(m.population),
        phase: PHASES[index % PHASES.length]!,
        sequence: index + 1,
        ...(index % 10 === 0 ? { overrides: { documentsStorage: "100Gi" } } : {}),
      });
      writeFileSync(join(dir, `${slugOf(m.name)}.yaml`), file);
      checkout.write(`municipalities/${slugOf(m.name)}.yaml`, file);
    });
    checkout.commit(`${official.length} municipalities`);
    console.log(`generated ${official.length} municipality files in ${dir}`);

    const command = ["validate", "--municipalities", dir, "--format", "json"];
    return {
      files: official.length,
      bundled: timeRuns(command, {}, options.runs),
      viaTsx: timeRuns(command, { SEI_INFRA_LOADER: "tsx" }, Math.max(1, Math.ceil(options.runs / 3))),
      inCheckout: timeRuns(["validate", "--format", "json"], {}, options.runs, checkout.root),
    };
  } finally {
    if (options.keep) console.log(`kept ${dir} and ${checkout.root}`);
    else {
      rmSync(dir, { recursive: true, force: true });
      checkout.dispose();
    }
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => Number(args[args.indexOf(name) + 1]) || undefined;
  const { files, bundled, viaTsx, inCheckout } = benchValidate({
    runs: option("--runs") ?? 10,
    size: option("--size"),
    keep: args.includes("--keep"),
  });
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpu}), node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`sei-infra validate, ${files} files, bundled start-up: ${summary(bundled)}`);
  console.log(`sei-infra validate, ${files} files, tsx loader:        ${summary(viaTsx)}`);
  console.log(`sei-infra validate, ${files} files, git checkout:      ${summary(inCheckout)} (compared with HEAD)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

export interface Timing {
  readonly wallMs: number;
  /** User + system CPU of the child, from /proc (Linux); NaN elsewhere. Less sensitive than wall time to other load. */
  readonly cpuMs: number;
}

/** Timings of `count` runs, after one untimed run that also builds the bundle if needed. */
function timeRuns(command: readonly string[], env: Record<string, string>, count: number, cwd = ROOT): Timing[] {
  const run = (): Timing => {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...command], {
      cwd,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const report = result.status === 0 ? (JSON.parse(result.stdout) as { ok: boolean; files: string[] }) : undefined;
    if (!report?.ok)
      throw new Error(`validate failed (exit ${result.status}): ${result.stdout.slice(0, 2000)}${result.stderr}`);
    return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
  };
  run();
  return Array.from({ length: count }, run);
}

/** CPU time of this process's waited-for children (cutime + cstime of /proc/self/stat), in ms. */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // Fields 16 and 17 of stat(5), counted from "state" (field 3); clock ticks are 1/100 s on Linux.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

function summary(timings: readonly Timing[]): string {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const wall = timings.map((t) => t.wallMs).sort((a, b) => a - b);
  const cpu = median(timings.map((t) => t.cpuMs));
  return `wall median ${median([...wall]).toFixed(0)} ms, min ${wall[0]!.toFixed(0)} ms, max ${wall[wall.length - 1]!.toFixed(0)} ms; CPU median ${cpu.toFixed(0)} ms (${timings.length} runs)`;
}
