/**
 * The official list of Minas Gerais municipalities (IBGE code, name, 2022
 * census population), read from data/ibge/minas-gerais.csv; its source and
 * checks are in data/ibge/README.md. A code must be on this list: the IBGE
 * check digit alone is not enough, since real codes break it (two in MG).
 *
 * Read through the same FileSource as the fleet, so an old git revision is
 * checked against the list of its own time.
 */
import { fileDiagnostic, type Diagnostic } from "./diagnostics.ts";
import { quoted } from "./printable.ts";
import { readInput, type FileSource } from "./source.ts";

export const OFFICIAL_LIST_PATH = "data/ibge/minas-gerais.csv";

export interface OfficialMunicipality {
  /** 7-digit IBGE code. */
  readonly code: string;
  /** Official IBGE name, with accents. */
  readonly name: string;
  /** Resident population, IBGE Census 2022. */
  readonly population: number;
}

export interface OfficialList {
  readonly file: string;
  readonly all: readonly OfficialMunicipality[];
  readonly byCode: ReadonlyMap<string, OfficialMunicipality>;
  readonly byName: ReadonlyMap<string, OfficialMunicipality>;
}

const HEADER = "code,name,population";

/** Parses the CSV; a malformed list is a diagnostic on the list file, never a crash. */
export function parseOfficialList(text: string, file: string): { list?: OfficialList; diagnostics: Diagnostic[] } {
  const problem = (line: number, message: string) => ({
    diagnostics: [fileDiagnostic(file, message, { at: { line, column: 1 } })],
  });
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines[0] !== HEADER) return problem(1, `official list must start with the header "${HEADER}"`);
  const all: OfficialMunicipality[] = [];
  for (const [index, line] of lines.entries()) {
    if (index === 0 || line === "") continue;
    const [code, name, population, extra] = line.split(",");
    if (extra !== undefined || !code || !name || !population || !/^31\d{5}$/.test(code) || !/^\d+$/.test(population)) {
      return problem(
        index + 1,
        `official list line is not "code,name,population" with a 7-digit MG code: ${quoted(line)}`,
      );
    }
    all.push({ code, name, population: Number(population) });
  }
  const byCode = new Map(all.map((m) => [m.code, m]));
  const byName = new Map(all.map((m) => [m.name, m]));
  return { list: { file, all, byCode, byName }, diagnostics: [] };
}

export function loadOfficialList(
  source: FileSource,
  file = OFFICIAL_LIST_PATH,
): { list?: OfficialList; diagnostics: Diagnostic[] } {
  const { bytes, diagnostic } = readInput(source, file, "official list of municipalities not found");
  return bytes ? parseOfficialList(bytes.toString("utf8"), file) : { diagnostics: [diagnostic] };
}

/**
 * The file name a municipality gets from its official name: lower case,
 * accents stripped, every other run of non-alphanumerics a hyphen
 * ("Pingo-d'Água" → "pingo-d-agua", "São João del-Rei" → "sao-joao-del-rei").
 */
export function slugOf(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
