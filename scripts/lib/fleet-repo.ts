/**
 * Real, small git repositories for the capacity tests and the benchmarks: the
 * project's platform.yaml, tiers/ and official IBGE list, plus municipality
 * files the test writes, committed revision by revision. Nothing is mocked:
 * the command under test reads these repositories with git.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { loadFleet } from "../../core/load-fleet.ts";
import { tierForPopulation } from "../../core/population-band.ts";
import { loadOfficialList, OFFICIAL_LIST_PATH, slugOf, type OfficialMunicipality } from "../../core/ibge.ts";
import type { Phase, TierId } from "../../core/schema/municipality.ts";
import type { Tier } from "../../core/schema/tier.ts";
import { workingTree } from "../../sources/working-tree.ts";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The 853 official municipalities (code, name, 2022 census population), as the loader reads them. */
export function officialList(): readonly OfficialMunicipality[] {
  const { list } = loadOfficialList(workingTree(REPO_ROOT));
  if (!list) throw new Error(`${OFFICIAL_LIST_PATH} did not load`);
  return list.all;
}

export function official(name: string): OfficialMunicipality {
  const found = officialList().find((o) => o.name === name);
  if (!found) throw new Error(`${name} is not in ${OFFICIAL_LIST_PATH}`);
  return found;
}

let tiers: readonly Tier[] | undefined;

/** The repository's tier (tiers/*.yaml) whose population band holds this population. */
export function fittingTier(population: number): TierId {
  tiers ??= [...loadFleet({ source: workingTree(REPO_ROOT) }).tiers.values()];
  const tier = tierForPopulation(population, tiers);
  if (!tier) throw new Error(`no tier band holds ${population}`);
  return tier.metadata.name;
}

export interface MunicipalityFixture {
  readonly official: OfficialMunicipality;
  readonly tier: TierId;
  /** @default "production" */
  readonly phase?: Phase;
  readonly cluster?: string;
  readonly overrides?: {
    readonly documentsStorage?: string;
    readonly databaseStorage?: string;
    readonly solrStorage?: string;
    readonly backupStorage?: string;
  };
  /** Makes the contract number and PNCP id unique across the fleet. */
  readonly sequence: number;
  /** Population written in the file. @default the official figure */
  readonly population?: number;
}

/** A valid municipality file; the PNCP id uses a CNPJ with valid check digits. */
export function municipalityYaml(m: MunicipalityFixture): string {
  const name = slugOf(m.official.name);
  const phase = m.phase ?? "production";
  const seq = String(m.sequence).padStart(6, "0");
  const lines = [
    "apiVersion: sei.mg.gov.br/v1",
    "kind: Municipality",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    `  ibgeCode: "${m.official.code}"`,
    `  displayName: ${JSON.stringify(m.official.name)}`,
    `  population: ${m.population ?? m.official.population}`,
    `  tier: ${m.tier}`,
    `  phase: ${phase}`,
    "  contract:",
    `    number: "${m.sequence}/2026"`,
    "    signedOn: 2026-01-10",
    ...(phase === "contracted" ? [] : [`    pncpId: "11222333000181-2-${seq}/2026"`]),
    `  domain: sei.${name}.mg.gov.br`,
    ...(m.cluster ? [`  cluster: ${m.cluster}`] : []),
    "  team:",
    "    projectManager: { name: Ana Souza, email: ana@example.org }",
    "    businessLead: { name: Bruno Lima, email: bruno@example.org }",
    "    itLead: { name: Carla Dias, email: carla@example.org, login: carla, firstAdministrator: true }",
  ];
  const overrides = Object.entries(m.overrides ?? {});
  if (overrides.length) lines.push("  overrides:", ...overrides.map(([key, value]) => `    ${key}: ${value}`));
  return `${lines.join("\n")}\n`;
}

/** A git repository in a temporary folder with the project's platform, tiers and official list. */
export class FixtureRepo {
  readonly root = mkdtempSync(join(tmpdir(), "sei-capacity-"));

  constructor() {
    for (const path of ["platform.yaml", "tiers", OFFICIAL_LIST_PATH]) {
      cpSync(join(REPO_ROOT, path), join(this.root, path), { recursive: true });
    }
    mkdirSync(join(this.root, "municipalities"), { recursive: true });
    this.git("init", "-q", "-b", "main");
    this.git("config", "user.email", "capacity-test@example.org");
    this.git("config", "user.name", "capacity test");
    this.git("config", "commit.gpgsign", "false");
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), text);
    return this;
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), "utf8");
  }

  /** Replaces `from` with `to` in a file, failing loudly when `from` is not there. */
  edit(path: string, from: string | RegExp, to: string): this {
    const text = this.read(path);
    const next = text.replace(from, to);
    if (next === text) throw new Error(`${path}: ${String(from)} not found`);
    return this.write(path, next);
  }

  /**
   * Sets one value of a YAML file by its key path (comments and layout kept),
   * failing loudly when the path is not there: a benchmark that edits text
   * breaks when a tier file is reworded, one that edits keys does not.
   */
  setYaml(path: string, keys: readonly (string | number)[], value: unknown): this {
    const doc = parseDocument(this.read(path));
    if (!doc.hasIn(keys)) throw new Error(`${path}: ${keys.join(".")} not found`);
    doc.setIn(keys, value);
    return this.write(path, doc.toString());
  }

  municipality(m: MunicipalityFixture): this {
    return this.write(`municipalities/${slugOf(m.official.name)}.yaml`, municipalityYaml(m));
  }

  remove(path: string): this {
    rmSync(join(this.root, path));
    return this;
  }

  /** Commits everything and returns the commit id. */
  commit(message: string): string {
    this.git("add", "-A");
    this.git("commit", "-q", "-m", message);
    return this.git("rev-parse", "HEAD").trim();
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.root, encoding: "utf8" });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
