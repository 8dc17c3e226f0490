/**
 * The official municipality a person names on the command line: by IBGE code,
 * or by name with accents, case, hyphens and apostrophes forgiven ("sao joao
 * del-rei" is São João del Rei). A name that fits several, or none, is refused
 * with the names it could mean, never guessed: the problem, in words the
 * command prints as its usage error.
 */
import type { OfficialList, OfficialMunicipality } from "./ibge.ts";
import { slugOf } from "./ibge.ts";
import { closest } from "./load/index.ts";
import { quoted } from "./printable.ts";

/** The municipality named, or why none is: a name or code that fits none, or several. */
export type OfficialMatch =
  | { readonly found: OfficialMunicipality; readonly problem?: undefined }
  | { readonly found?: undefined; readonly problem: string };

/** How many names an ambiguous name lists before "and N more". */
const LISTED = 8;

export function officialByCode(list: OfficialList, code: string): OfficialMatch {
  const found = list.byCode.get(code);
  return found
    ? { found }
    : { problem: `${quoted(code)} is not the IBGE code of a Minas Gerais municipality (see ${list.file})` };
}

export function officialByName(list: OfficialList, name: string): OfficialMatch {
  const wanted = slugOf(name);
  const bySlug = new Map(list.all.map((m) => [slugOf(m.name), m]));
  const exact = bySlug.get(wanted);
  if (exact) return { found: exact };
  const starting = wanted === "" ? [] : list.all.filter((m) => slugOf(m.name).startsWith(`${wanted}-`));
  if (starting.length === 1)
    return { problem: `${quoted(name)} is the start of ${starting[0]!.name}; write the whole name` };
  if (starting.length > 1) {
    const shown = starting.slice(0, LISTED).map((m) => `${m.name} (${m.code})`);
    const more = starting.length > LISTED ? ` and ${starting.length - LISTED} more` : "";
    return {
      problem: `${quoted(name)} is the start of ${starting.length} municipality names: ${shown.join(", ")}${more}; write the whole name, or give --ibge`,
    };
  }
  const near = bySlug.get(closest(wanted, bySlug.keys()) ?? "");
  return {
    problem: `${quoted(name)} is not the name of a Minas Gerais municipality (${list.file})${near ? `; did you mean "${near.name}"?` : ""}`,
  };
}
