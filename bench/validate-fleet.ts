/**
 * `npm run bench:validate`: how long `sei-infra validate` takes on a fleet of
 * all 853 Minas Gerais municipalities (target: under 1 s wall time, node start
 * included). The fleet is generated from the official list into a temporary
 * folder: the tier each population band calls for, a mix of phases, PNCP ids
 * with valid CNPJ check digits. Then the real command runs several times as a
 * child process, through the bundled start-up path and through tsx for
 * comparison. A benchmark, not a test: it prints figures and the machine.
 *
 * Options: --runs N (default 10), --keep (leave the generated folder).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isValidCnpj } from "@brazilian-utils/brazilian-utils/is-valid-cnpj";
import { loadOfficialList, slugOf, type OfficialMunicipality } from "../core/ibge.ts";
import { loadDocument } from "../core/load/index.ts";
import { PHASES, type Phase } from "../core/schema/municipality.ts";
import { tierSchema, type Tier } from "../core/schema/tier.ts";
import { workingTree } from "../sources/working-tree.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "sei-infra.js");

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 10;
const keep = args.includes("--keep");

const source = workingTree(ROOT);
const official = loadOfficialList(source).list;
if (!official) throw new Error("data/ibge/minas-gerais.csv did not load");
const tiers = source
  .list("tiers")
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => loadDocument(source, `tiers/${name}`, tierSchema).value)
  .filter((tier): tier is Tier => tier !== undefined);

const dir = mkdtempSync(join(tmpdir(), "sei-fleet-"));
try {
  official.all.forEach((m, index) => writeFileSync(join(dir, `${slugOf(m.name)}.yaml`), municipalityFile(m, index)));
  console.log(`generated ${official.all.length} municipality files in ${dir}`);

  const command = ["validate", "--municipalities", dir, "--format", "json"];
  const bundled = timeRuns(command, {}, runs);
  const viaTsx = timeRuns(command, { SEI_INFRA_LOADER: "tsx" }, Math.max(3, Math.ceil(runs / 3)));

  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  console.log(`machine: ${availableParallelism()} CPUs (${cpu}), node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`sei-infra validate, ${official.all.length} files, bundled start-up: ${summary(bundled)}`);
  console.log(`sei-infra validate, ${official.all.length} files, tsx loader:        ${summary(viaTsx)}`);
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

interface Timing {
  readonly wallMs: number;
  /** User + system CPU of the child, from /proc (Linux); NaN elsewhere. Less sensitive than wall time to other load. */
  readonly cpuMs: number;
}

/** Timings of `count` runs, after one untimed run that also builds the bundle if needed. */
function timeRuns(command: readonly string[], env: Record<string, string>, count: number): Timing[] {
  const run = (): Timing => {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...command], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const report = result.status === 0 ? (JSON.parse(result.stdout) as { ok: boolean; files: string[] }) : undefined;
    if (!report?.ok) throw new Error(`validate failed (exit ${result.status}): ${result.stdout.slice(0, 2000)}${result.stderr}`);
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

/** A plausible file for municipality number `index` of the official list. */
function municipalityFile(m: OfficialMunicipality, index: number): string {
  const slug = slugOf(m.name);
  const tier = tiers.find((t) => m.population >= t.spec.population.min && m.population <= (t.spec.population.max ?? Infinity));
  if (!tier) throw new Error(`no tier for ${m.name} (${m.population})`);
  const phase: Phase = PHASES[index % PHASES.length]!;
  const pncp = phase === "contracted" ? "" : `\n    pncpId: "${cnpj(index)}-2-${String(index + 1).padStart(6, "0")}/2026"`;
  const person = (role: string) => `{ name: ${role} ${index}, email: ${role}.${index}@example.org }`;
  return `# yaml-language-server: $schema=../schema/municipality.schema.json
# Generated by bench/validate-fleet.ts: contract, PNCP and team data are invented.
apiVersion: sei.mg.gov.br/v1
kind: Municipality
metadata:
  name: ${slug}
spec:
  ibgeCode: "${m.code}"
  displayName: "${m.name}"
  population: ${m.population}
  tier: ${tier.metadata.name}
  phase: ${phase}
  contract:
    number: "${index + 1}/2026"
    signedOn: 2026-03-10${pncp}
  goLiveOn: 2026-09-01
  domain: sei.${slug}.mg.gov.br
  team:
    projectManager: ${person("gerente")}
    businessLead: ${person("negocio")}
    itLead: ${person("ti")}
${index % 10 === 0 ? "  overrides:\n    documentsStorage: 100Gi\n" : ""}`;
}

/** A CNPJ with valid check digits, different for each index (the check digits are searched, not computed by hand). */
function cnpj(index: number): string {
  const base = `18${String(index).padStart(6, "0")}0001`;
  for (let digits = 0; digits < 100; digits++) {
    const candidate = `${base}${String(digits).padStart(2, "0")}`;
    if (isValidCnpj(candidate)) return candidate;
  }
  throw new Error(`no valid CNPJ for ${base}`);
}
