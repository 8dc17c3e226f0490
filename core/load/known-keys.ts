/**
 * The keys a schema allows at a field path, for "unknown field … did you mean"
 * messages. Walks zod's schema definitions (objects, wrappers such as optional
 * and default, pipes, arrays, unions) alongside the data, so a discriminated
 * union offers the keys of the branch the data selected.
 */
import type { z } from "zod";
import type { FieldPath } from "./field-path.ts";

/** The parts of zod's definitions this walk reads; zod's own types are per kind. */
interface Definition {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}

const definition = (schema: z.core.$ZodType): Definition => schema._zod.def as Definition;

/** Object schemas that may describe the value at `path` (several for a union). */
function objectsAt(schema: z.core.$ZodType, path: FieldPath, data: unknown): z.core.$ZodType[] {
  const def = definition(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return def.innerType ? objectsAt(def.innerType, path, data) : [];
    case "pipe":
      return def.in ? objectsAt(def.in, path, data) : [];
    case "union":
      return selectBranches(def, data).flatMap((option) => objectsAt(option, path, data));
    case "array": {
      const [head, ...rest] = path;
      if (head === undefined) return [];
      return def.element ? objectsAt(def.element, rest, field(data, String(head))) : [];
    }
    case "object": {
      const [head, ...rest] = path;
      if (head === undefined) return [schema];
      const child = def.shape?.[String(head)];
      return child ? objectsAt(child, rest, field(data, String(head))) : [];
    }
    default:
      return [];
  }
}

/** A discriminated union's branch chosen by the data, or every branch when none matches. */
function selectBranches(def: Definition, data: unknown): readonly z.core.$ZodType[] {
  const options = def.options ?? [];
  if (!def.discriminator) return options;
  const chosen = field(data, def.discriminator);
  const matching = options.filter((option) => {
    const literal = definition(option).shape?.[def.discriminator!];
    return literal !== undefined && (definition(literal).values ?? []).includes(chosen);
  });
  return matching.length > 0 ? matching : options;
}

function field(data: unknown, key: string): unknown {
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>)[key] : undefined;
}

/** Keys allowed in the object at `path` of `data` under `schema`, in schema order. */
export function knownKeys(schema: z.core.$ZodType, path: FieldPath, data: unknown): string[] {
  const keys = objectsAt(schema, path, data).flatMap((object) => Object.keys(definition(object).shape ?? {}));
  return [...new Set(keys)];
}
