/**
 * The layering of docs/architecture.md ("Layers and data flow"), with no exception:
 *
 * - core/ is pure domain logic: it imports only core/, libraries (no cdktf, no
 *   CLI or build tools) and Node APIs that touch no disk, git or network;
 * - every other folder imports only the layers below it (LAYERS), never a
 *   folder beside or above it;
 * - no import circle, type-only imports included: not between files, and not
 *   between the parts of a folder (a subfolder, or a file at the folder's top),
 *   so each part can be read, tested and moved on its own.
 *
 * Imports are read from the text (static, `export … from` and dynamic ones), so
 * a new circle or back-arrow fails here before it reaches a review.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Bottom first. A folder may import its own layer's folder and the layers below; folders of one layer are independent. */
const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["sources", "report", "runtime"],
  // shell/ opens the fleet for every command (shell/open-fleet.ts): it reads through sources/ and prints through report/.
  ["shell", "constructs"],
  // commands/ does the work of validate, new and capacity (cli/ only declares their options).
  ["stacks", "restore", "commands"],
  // The store's side of the backups; fleet/ reads it for its drills and watch (fleet drill, fleet backups).
  ["backups"],
  ["fleet"],
  ["cli"],
  ["bin"],
];
const ALLOWED_NODE_IN_CORE = new Set(["node:path", "node:buffer"]);
const FORBIDDEN_IN_CORE = /^(cdktf|constructs|@cdktf\/|commander|esbuild|tsx)/;

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((folder) => [folder, i] as const)));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function specifiers(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
}

/** Every product file (repository-relative) with the repository files it imports. */
function importGraph(root: string): Map<string, string[]> {
  const files = [...rank.keys()].flatMap((folder) => sources(join(root, folder)));
  return new Map(
    files.map((file) => [
      relative(root, file),
      specifiers(file)
        .filter((spec) => spec.startsWith("."))
        .map((spec) => relative(root, resolvePath(dirname(file), spec))),
    ]),
  );
}

/** The part of a folder a file belongs to: its subfolder ("core/load/"), or the file itself at the folder's top. */
function partOf(file: string): string {
  const segments = file.split("/");
  return segments.length > 2 ? `${segments[0]}/${segments[1]}/` : file;
}

/** The circles of a directed graph (strongly connected components of more than one node, Tarjan), each as a path. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** The graph between parts: an edge where a file of one part imports a file of another. */
function partGraph(files: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const parts = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = partOf(file);
    if (!parts.has(from)) parts.set(from, new Set());
    for (const target of targets) if (partOf(target) !== from) parts.get(from)!.add(partOf(target));
  }
  return new Map([...parts].map(([part, targets]) => [part, [...targets].sort()]));
}

/** Imports that go sideways or up the layers, or to code outside them (tests, scripts); data such as package.json is no layer. */
function backArrows(files: ReadonlyMap<string, readonly string[]>): string[] {
  return [...files].flatMap(([file, targets]) => {
    const from = file.split("/")[0]!;
    return targets
      .filter((target) => {
        const to = target.split("/")[0]!;
        if (!rank.has(to)) return !target.endsWith(".json");
        return to !== from && rank.get(to)! >= rank.get(from)!;
      })
      .map((target) => `${file} → ${target}`);
  });
}

const graph = importGraph(REPO_ROOT);

describe("core/", () => {
  const files = [...graph.keys()].filter((file) => file.startsWith("core/"));
  it("has files to check", () => expect(files.length).toBeGreaterThan(30));

  it.each(files)("%s imports only core, libraries and pure Node APIs", (file) => {
    const outside = specifiers(join(REPO_ROOT, file)).filter((spec) => {
      if (spec.startsWith("."))
        return !relative(REPO_ROOT, resolvePath(dirname(join(REPO_ROOT, file)), spec)).startsWith("core/");
      if (spec.startsWith("node:")) return !ALLOWED_NODE_IN_CORE.has(spec);
      return FORBIDDEN_IN_CORE.test(spec);
    });
    expect(outside).toEqual([]);
  });
});

describe("the layers", () => {
  it("reads every product folder", () => {
    const top = new Set(
      readdirSync(REPO_ROOT).filter((name) =>
        /^(core|sources|report|shell|runtime|constructs|stacks|restore|commands|fleet|backups|cli|bin)$/.test(name),
      ),
    );
    expect([...top].sort()).toEqual([...rank.keys()].sort());
  });

  it("import only downwards", () => expect(backArrows(graph)).toEqual([]));

  it("have no import circle between files", () => expect(circles(graph)).toEqual([]));

  it("have no import circle between the parts of a folder", () => expect(circles(partGraph(graph))).toEqual([]));
});

describe("the checks themselves", () => {
  it("find a circle, a folder loop and a back-arrow", () => {
    const made = new Map([
      ["core/naming.ts", ["core/plan.ts"]],
      ["core/plan.ts", ["core/naming.ts"]],
      ["core/capacity/figures.ts", ["core/load-fleet.ts"]],
      ["core/load-fleet.ts", ["core/history/compare.ts"]],
      ["core/history/shrinking-volumes.ts", ["core/capacity/figures.ts"]],
      ["core/history/compare.ts", []],
      ["core/load/parse-yaml.ts", ["runtime/fast-yaml.ts"]],
    ]);
    expect(circles(made)).toEqual([["core/naming.ts", "core/plan.ts"]]);
    expect(circles(partGraph(made))).toEqual([
      ["core/capacity/", "core/history/", "core/load-fleet.ts"],
      ["core/naming.ts", "core/plan.ts"],
    ]);
    expect(backArrows(made)).toEqual(["core/load/parse-yaml.ts → runtime/fast-yaml.ts"]);
  });
});
