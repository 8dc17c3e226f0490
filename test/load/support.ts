/**
 * Test sources: the repository's platform.yaml, tiers/ and official list, with
 * municipality files supplied in memory, so each test states its files inline
 * and the positions it expects are visible next to them.
 */
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFleet, type Fleet } from "../../core/load-fleet.ts";
import type { Diagnostic } from "../../core/diagnostics.ts";
import { type FileSource } from "../../core/source.ts";
import { workingTree } from "../../sources/working-tree.ts";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const repo = workingTree(REPO_ROOT);

/** `base`, with `files` (path → content) added or replacing files of the same path. */
export function overlay(base: FileSource, given: Readonly<Record<string, string | Uint8Array>>): FileSource {
  const files = Object.fromEntries(Object.entries(given).map(([path, content]) => [posix.normalize(path), content]));
  return {
    label: `${base.label} + test files`,
    read(path) {
      const content = files[posix.normalize(path)];
      if (content === undefined) return base.read(path);
      return Buffer.from(content);
    },
    list(dir) {
      const own = Object.keys(files)
        .filter((path) => posix.dirname(path) === posix.normalize(dir))
        .map((path) => posix.basename(path));
      return [...new Set([...base.list(dir), ...own])].sort();
    },
  };
}

/**
 * Loads a fleet of the given files with the repository's platform, tiers and
 * official list: a bare name is a municipality file in "m/", a path with a "/"
 * ("./platform.yaml", "tiers/medio.yaml") is taken as it is, to replace or add a file elsewhere.
 */
export function fleetOf(
  files: Readonly<Record<string, string>>,
  options: { files?: string[]; strict?: boolean } = {},
): Fleet {
  const prefixed = Object.fromEntries(
    Object.entries(files).map(([name, text]) => [name.includes("/") ? name : `m/${name}`, text]),
  );
  return loadFleet({ source: overlay(repo, prefixed), municipalitiesDir: "m", ...options });
}

/** Diagnostics as "file:line:column path: message" strings, easy to compare whole. */
export function lines(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity} ${d.file}:${d.line}:${d.column} ${d.path}: ${d.message}`);
}

/**
 * A valid municipality file; each line is referred to by number in the tests:
 *   1 apiVersion … 6 ibgeCode, 7 displayName, 8 population, 9 tier, 10 phase,
 *   12 contract.number, 13 signedOn, 14 pncpId, 15 goLiveOn, 16 domain,
 *   18-20 team.
 */
export const TIRADENTES = `apiVersion: sei.mg.gov.br/v1
kind: Municipality
metadata:
  name: tiradentes
spec:
  ibgeCode: "3168804"
  displayName: Tiradentes
  population: 7744
  tier: pequeno-i
  phase: production
  contract:
    number: "9/2026"
    signedOn: 2026-01-19
    pncpId: "18002372000112-2-000009/2026"
  goLiveOn: 2026-06-01
  domain: sei.tiradentes.mg.gov.br
  team:
    projectManager: { name: Tiago Ribeiro, email: tiago.ribeiro@example.org }
    businessLead: { name: Úrsula Pires, email: ursula.pires@example.org }
    itLead: { name: Vítor Lopes, email: vitor.lopes@example.org, login: vitor.lopes, firstAdministrator: true }
`;

/** A second valid file that shares nothing unique with TIRADENTES. */
export const DIAMANTINA = `apiVersion: sei.mg.gov.br/v1
kind: Municipality
metadata:
  name: diamantina
spec:
  ibgeCode: "3121605"
  displayName: Diamantina
  population: 47702
  tier: pequeno-ii
  phase: provisioning
  contract:
    number: "77/2026"
    signedOn: 2026-05-20
    pncpId: "18001624000199-2-000077/2026"
  domain: sei.diamantina.mg.gov.br
  team:
    projectManager: { name: Paula Mendes, email: paula.mendes@example.org }
    businessLead: { name: Rafael Nunes, email: rafael.nunes@example.org }
    itLead: { name: Sílvia Araújo, email: silvia.araujo@example.org, login: silvia.araujo, firstAdministrator: true }
`;

/** `text` with the line that starts (after indentation) with `start` replaced by `replacement` (same indentation). */
export function edit(text: string, start: string, replacement: string): string {
  const rows = text.split("\n");
  const index = rows.findIndex((row) => row.trimStart().startsWith(start));
  if (index < 0) throw new Error(`no line starts with ${start}`);
  const indent = rows[index]!.length - rows[index]!.trimStart().length;
  rows[index] = replacement === "" ? "\u0000" : " ".repeat(indent) + replacement;
  return rows.filter((row) => row !== "\u0000").join("\n");
}
