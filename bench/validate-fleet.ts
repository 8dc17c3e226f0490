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
 * Then the uniqueness rules at scale: folders of 800 and 5,000 files that all
 * share one IBGE code, domain, contract number and PNCP id (each file its own
 * name), so every uniqueness rule meets one group of every file; the time
 * should grow linearly with the number of files, not with its square.
 * A benchmark, not a test: it prints figures and the machine.
 *
 * Options: --runs N (default 10), --size N (the first N of the official list;
 * default all), --sharing N,M (the sizes of the shared-values folders; default
 * 800,5000), --keep (leave the generated folders). `npm test` runs
 * benchValidate at a tiny size (test/bench/benches.test.ts) so it cannot rot.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  /** Per folder of files sharing values: its size and the timings. */
  readonly sharing: readonly { readonly files: number; readonly timings: readonly Timing[] }[];
}

/**
 * Writes the first `size` official municipalities (every phase in rotation) and times validate on them;
 * then on each folder of `sharing` files that share their identifying values.
 */
export function benchValidate(options: {
  runs: number;
  size?: number;
  sharing?: readonly number[];
  keep?: boolean;
}): ValidateBenchFigures {
  const official = officialList().slice(0, options.size);
  const dir = mkdtempSync(join(tmpdir(), "sei-fleet-"));
  const checkout = new FixtureRepo();
  const sharing = mkdtempSync(join(tmpdir(), "sei-sharing-"));
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
      sharing: (options.sharing ?? []).map((files) => ({
        files,
        timings: timeRuns(
          ["validate", "--municipalities", sharedValuesFolder(sharing, files), "--format", "json"],
          {},
          Math.max(1, Math.ceil(options.runs / 3)),
          ROOT,
          { invalid: true, warmUp: false },
        ),
      })),
    };
  } finally {
    if (options.keep) console.log(`kept ${dir}, ${checkout.root} and ${sharing}`);
    else {
      rmSync(dir, { recursive: true, force: true });
      rmSync(sharing, { recursive: true, force: true });
      checkout.dispose();
    }
  }
}

/**
 * `size` files named m-00001 … that all share Tiradentes's IBGE code, domain,
 * contract number and PNCP id: one group of `size` files for each uniqueness rule.
 */
function sharedValuesFolder(parent: string, size: number): string {
  const folder = join(parent, String(size));
  mkdirSync(folder);
  const tiradentes = officialList().find((m) => m.name === "Tiradentes")!;
  const text = municipalityYaml({ official: tiradentes, tier: fittingTier(tiradentes.population), sequence: 1 });
  for (let i = 1; i <= size; i++) {
    const name = `m-${String(i).padStart(5, "0")}`;
    writeFileSync(join(folder, `${name}.yaml`), text.replace("  name: tiradentes\n", `  name: ${name}\n`));
  }
  return folder;
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => Number(args[args.indexOf(name) + 1]) || undefined;
  const sharingSizes = args.includes("--sharing")
    ? (args[args.indexOf("--sharing") + 1] ?? "").split(",").map(Number)
    : [800, 5000];
  const { files, bundled, viaTsx, inCheckout, sharing } = benchValidate({
    runs: option("--runs") ?? 10,
    size: option("--size"),
    sharing: sharingSizes,
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
  for (const folder of sharing)
    console.log(`sei-infra validate, ${folder.files} files sharing values: ${summary(folder.timings)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

export interface Timing {
  readonly wallMs: number;
  /** User + system CPU of the child, from /proc (Linux); NaN elsewhere. Less sensitive than wall time to other load. */
  readonly cpuMs: number;
}

/**
 * Timings of `count` runs, after one untimed run that also builds the bundle if needed (unless `warmUp` is false).
 * Each run must report the folder valid; with `invalid`, it must exit 1 with nothing on standard error, and its
 * report is not read (written to /dev/null: before the uniqueness rules named at most a few other files, the
 * report of 5,000 files sharing values would have been gigabytes).
 */
function timeRuns(
  command: readonly string[],
  env: Record<string, string>,
  count: number,
  cwd = ROOT,
  { invalid = false, warmUp = true } = {},
): Timing[] {
  const run = (): Timing => {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...command], {
      cwd,
      env: { ...process.env, ...env },
      encoding: "utf8",
      stdio: ["ignore", invalid ? "ignore" : "pipe", "pipe"],
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (invalid) {
      if (result.status !== 1 || result.stderr !== "")
        throw new Error(`validate did not report the invalid folder (exit ${result.status}): ${result.stderr}`);
      return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
    }
    const report = result.status === 0 ? (JSON.parse(result.stdout) as { ok: boolean; files: string[] }) : undefined;
    if (!report?.ok)
      throw new Error(`validate failed (exit ${result.status}): ${result.stdout.slice(0, 2000)}${result.stderr}`);
    return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
  };
  if (warmUp) run();
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
