/**
 * Speed trick: the fast path of the YAML reader (core/load/parse-yaml.ts).
 *
 * The `yaml` package keeps source positions and gives precise syntax errors,
 * but building its document model is most of what validating the fleet costs
 * (figures in BENCHMARKS.md). js-yaml 4 reads the same YAML 1.2 core schema
 * without positions, several times faster. So js-yaml reads every file first,
 * and the loader builds the `yaml` document only when a position is needed
 * (lazily), or when this reader declines the file: when js-yaml refuses it,
 * or when it is a file js-yaml might read differently from `yaml`: any alias
 * (so the loader's alias limit applies and js-yaml's shared references never
 * reach zod) and any binary-looking number (js-yaml reads 0b11 as 3, `yaml`
 * as text).
 *
 * Relies on: js-yaml 4.x `load` with CORE_SCHEMA reading every other scalar
 * form exactly as `yaml` 2.x does (the 5.x rewrite is slower). Known gap: a file
 * only `yaml` rejects (odd indentation of a flow collection, say) passes here;
 * an editor's YAML support would still flag it.
 * Proved unchanged by: test/load/parse-yaml.test.ts (both parsers read every
 * scalar form alike; aliases and binary numbers go to `yaml`).
 */
import { CORE_SCHEMA, load as fastLoad } from "js-yaml";

/**
 * Texts js-yaml might read unlike `yaml`, or expand without a limit, are left
 * to `yaml`: an alias (`*name` where a node starts; a cron "* * *" is none) and
 * a binary-looking number. Matches in comments or strings only cost speed.
 */
const NOT_FOR_FAST_PATH = /(?:^|[\s[{,])\*[^\s,[\]{}"']|(?:^|[^\w.])[-+]?0b[01_]/m;

/** The data as js-yaml reads it, or undefined when the text is left to `yaml`, refused, or empty. */
export function readFast(text: string): unknown {
  if (NOT_FOR_FAST_PATH.test(text)) return undefined;
  let data: unknown;
  try {
    data = fastLoad(text, { schema: CORE_SCHEMA });
  } catch {
    // Including a stack overflow on absurd nesting: `yaml` then reports it.
    return undefined;
  }
  // An alias the pattern missed shows as a shared object; `yaml` counts and limits those.
  return data === null || data === undefined || hasSharedObjects(data) ? undefined : data;
}

function hasSharedObjects(root: unknown): boolean {
  const seen = new Set<object>();
  const visit = (value: unknown): boolean => {
    if (typeof value !== "object" || value === null) return false;
    if (seen.has(value)) return true;
    seen.add(value);
    return Object.values(value).some(visit);
  };
  return visit(root);
}
