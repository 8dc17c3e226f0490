/**
 * The official municipality a person names on the command line: by IBGE code,
 * or by name with accents, case, hyphens and apostrophes forgiven ("sao joao
 * del-rei" is São João del Rei). A name that fits several, or none, is refused
 * with the names it could mean, never guessed.
 */
import type { OfficialList, OfficialMunicipality } from "../core/ibge.ts";
import { slugOf } from "../core/ibge.ts";
import { closest } from "../core/load/index.ts";
import { quoted } from "../core/printable.ts";
import { UsageError } from "../shell/exit.ts";

/** How many names an ambiguous name lists before "and N more". */
const LISTED = 8;

export function officialByCode(list: OfficialList, code: string): OfficialMunicipality {
  const found = list.byCode.get(code);
  if (!found)
    throw new UsageError(`${quoted(code)} is not the IBGE code of a Minas Gerais municipality (see ${list.file})`);
  return found;
}

export function officialByName(list: OfficialList, name: string): OfficialMunicipality {
  const wanted = slugOf(name);
  const bySlug = new Map(list.all.map((m) => [slugOf(m.name), m]));
  const exact = bySlug.get(wanted);
  if (exact) return exact;
  const starting = wanted === "" ? [] : list.all.filter((m) => slugOf(m.name).startsWith(`${wanted}-`));
  if (starting.length === 1)
    throw new UsageError(`${quoted(name)} is the start of ${starting[0]!.name}; write the whole name`);
  if (starting.length > 1) {
    const shown = starting.slice(0, LISTED).map((m) => `${m.name} (${m.code})`);
    const more = starting.length > LISTED ? ` and ${starting.length - LISTED} more` : "";
    throw new UsageError(
      `${quoted(name)} is the start of ${starting.length} municipality names: ${shown.join(", ")}${more}; write the whole name, or give --ibge`,
    );
  }
  const near = bySlug.get(closest(wanted, bySlug.keys()) ?? "");
  throw new UsageError(
    `${quoted(name)} is not the name of a Minas Gerais municipality (${list.file})${near ? `; did you mean "${near.name}"?` : ""}`,
  );
}
