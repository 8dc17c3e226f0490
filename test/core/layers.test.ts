/**
 * The layering of README ("Layout"): core/ is pure domain logic. It imports
 * nothing from the folders beside it (sources/, report/, cli/, constructs/,
 * stacks/, runtime/ are built on core, never the reverse), no cdktf, and no
 * Node API that reaches the disk, git or the network: files come in through a
 * FileSource (sources/), output goes out through report/. The one exception
 * is runtime/fast-yaml.ts, the loader's pure fast path, kept with the other
 * speed tricks.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/example-plan.ts";

const CORE = join(REPO_ROOT, "core");
const ALLOWED_NODE = new Set(["node:path", "node:buffer"]);
const FORBIDDEN_PACKAGES = /^(cdktf|constructs|@cdktf\/|commander|esbuild|tsx)/;
const ALLOWED_OUTSIDE = new Set([join(REPO_ROOT, "runtime", "fast-yaml.ts")]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

function specifiers(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
}

describe("core/", () => {
  const files = sources(CORE);
  it("has files to check", () => expect(files.length).toBeGreaterThan(30));

  it.each(files.map((f) => [relative(REPO_ROOT, f), f] as const))(
    "%s imports only core, libraries and pure Node APIs",
    (_, file) => {
      const outside = specifiers(file).filter((spec) => {
        if (spec.startsWith(".")) {
          const target = resolvePath(dirname(file), spec);
          return !target.startsWith(`${CORE}/`) && !ALLOWED_OUTSIDE.has(target);
        }
        if (spec.startsWith("node:")) return !ALLOWED_NODE.has(spec);
        return FORBIDDEN_PACKAGES.test(spec);
      });
      expect(outside).toEqual([]);
    },
  );
});
