/**
 * Every repository path that code, docs, tiers and scripts name exists, so a
 * moved or deleted file cannot leave a comment or a page pointing at nothing.
 *
 * What counts as a path, to stay free of false alarms: a run of path
 * characters that starts with a top-level folder of the repository
 * (`core/resolve/quota.ts`, `./scripts/lib/example-plan.ts`, `docs/restore.md`), as a
 * word of its own (not the tail of `../x`, a URL or an absolute path) and
 * complete (not cut short by a placeholder or a glob: `tiers/<id>.yaml`,
 * `images/*`, `sei-${name}` are not checked). Relative markdown links
 * (`[restore](restore.md#anchor)`) resolve from the page, and their anchors
 * must name a heading of the target page, as must a section cited by name
 * (`docs/architecture.md, "Data safety"`).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../scripts/lib/example-plan.ts";

const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" })
  .split("\0")
  .filter((f) => f !== "" && existsSync(join(REPO_ROOT, f)));

/** Text the project writes; generated, recorded and third-party data is left out. */
const SCANNED = /(\.(ts|js|md|sh|ya?ml|tpl|txt)|Containerfile|\.hadolint\.yaml)$/;
const NOT_SCANNED = /(^data\/|__snapshots__\/|^test\/fixtures\/|package-lock\.json$)/;
const files = tracked.filter((f) => SCANNED.test(f) && !NOT_SCANNED.test(f));

const topFolders = [...new Set(tracked.filter((f) => f.includes("/")).map((f) => f.split("/")[0]!))];
const folderAlternatives = topFolders.map((d) => d.replace(/[.]/g, "\\.")).join("|");
/**
 * A top-level folder, then path characters, ending on a word character; not
 * preceded by a path character (so not `../core/x` or `https://…/docs/x`) and
 * not followed by one, a placeholder or a glob (so not cut from a longer name).
 */
const PATH = new RegExp(
  String.raw`(?<![\w./@~-])(?:\./)?((?:${folderAlternatives})/[\w./-]*\w)(?![\w/*<>{}$-]|\.\w)`,
  "g",
);
/** Markdown links to a page or file of the repository: `[text](target)` without a scheme. */
const MD_LINK = /\]\((?![a-z]+:|#)([^)\s]+?)(?:#([^)\s]*))?\)/g;

/** A section cited by name, as comments cite the architecture: `docs/architecture.md, "Data safety"`. */
const CITATION = /(docs\/[\w-]+\.md), "([^"]+)"/g;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdownFile: string): Set<string> {
  const headings = readFileSync(markdownFile, "utf8").match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((h) => anchorOf(h.replace(/^#+ /, ""))));
}

/** Blank everything but the matches, keeping line breaks so line numbers stay right. */
function keepOnly(text: string, pattern: RegExp): string {
  let kept = "";
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    kept += text.slice(last, m.index).replace(/[^\n]/g, " ") + m[0];
    last = m.index + m[0].length;
  }
  return kept + text.slice(last).replace(/[^\n]/g, " ");
}

/**
 * The prose of a file: all of a page, the comments of code. Strings in code
 * are data (a scratch file a test writes, a path inside an image),
 * and a wrong import already fails the type check.
 */
function proseOf(file: string, text: string): string {
  if (/\.(md|txt)$/.test(file)) return text;
  if (/\.(ts|js|tpl)$/.test(file)) return keepOnly(text, /\/\*[\s\S]*?\*\/|(?<![:"'`\w])\/\/.*$/gm);
  return keepOnly(text, /(?<=^|\s)#.*$/gm);
}

/**
 * A named path counts when its last part has an extension or it ends with a
 * slash (`core/resolve/`): a bare `stacks/min` is a unit, not a folder. It may
 * be written from the repository's root or from the file's own folder.
 */
function isCheckedPath(path: string, text: string, end: number): boolean {
  const placeholder = path.split("/").some((part) => /^[A-Z][A-Z_]*$/.test(part)); // images/NAME/recipe.sh
  return !placeholder && (/\.\w+$/.test(path) || text[end] === "/");
}

/** Paths in other projects' trees that a comment names on purpose, by file. */
const ELSEWHERE: Readonly<Record<string, readonly string[]>> = {
  "scripts/e2e/node-toolchain.sh": ["core/dnsserver/zdirectives.go"], // CoreDNS's source tree
};

function missingIn(file: string): string[] {
  const text = proseOf(file, readFileSync(join(REPO_ROOT, file), "utf8"));
  const missing: string[] = [];
  for (const m of text.matchAll(PATH)) {
    const path = m[1]!;
    if (!isCheckedPath(path, text, m.index + m[0].length)) continue;
    if (existsSync(join(REPO_ROOT, path)) || existsSync(join(REPO_ROOT, dirname(file), path))) continue;
    if (ELSEWHERE[file]?.includes(path)) continue;
    missing.push(`${file}:${lineOf(text, m.index)}: ${path}`);
  }
  for (const m of text.matchAll(CITATION)) {
    if (!anchorsOf(join(REPO_ROOT, m[1]!)).has(anchorOf(m[2]!)))
      missing.push(`${file}:${lineOf(text, m.index)}: ${m[1]}, "${m[2]}" (no such heading)`);
  }
  if (file.endsWith(".md")) {
    for (const m of text.matchAll(MD_LINK)) {
      const target = normalize(join(dirname(file), m[1]!));
      const where = `${file}:${lineOf(text, m.index)}: ${m[1]}${m[2] === undefined ? "" : `#${m[2]}`}`;
      if (!existsSync(join(REPO_ROOT, target))) missing.push(where);
      else if (m[2] !== undefined && target.endsWith(".md") && !anchorsOf(join(REPO_ROOT, target)).has(m[2]))
        missing.push(`${where} (no such heading)`);
    }
  }
  return missing;
}

describe("repository paths named in code and docs", () => {
  it("finds the files and paths to check", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("core/plan.ts");
    expect(topFolders).toEqual(expect.arrayContaining(["core", "docs", "test", "scripts", "charts"]));
    const named = files.flatMap((f) => [...readFileSync(join(REPO_ROOT, f), "utf8").matchAll(PATH)]);
    expect(named.length).toBeGreaterThan(200);
  });

  it("recognizes a path as a path and leaves placeholders, globs and URLs alone", () => {
    const found = (text: string) => [...text.matchAll(PATH)].map((m) => m[1]);
    expect(found("see `core/resolve/quota.ts`, docs/restore.md.")).toEqual([
      "core/resolve/quota.ts",
      "docs/restore.md",
    ]);
    expect(found('import("./test/support/plans.ts")')).toEqual(["test/support/plans.ts"]);
    expect(found("tiers/<id>.yaml images/*/Containerfile ../core/x.ts https://x.org/docs/y `sei-${name}`")).toEqual([]);
    expect(isCheckedPath("scripts/e2e/images/NAME/recipe.sh", "", 0)).toBe(false);
    expect(isCheckedPath("stacks/min", " ", 10)).toBe(false);
    expect(isCheckedPath("core/resolve", "core/resolve/", 12)).toBe(true);
    expect(anchorOf("The plan, the single source")).toBe("the-plan-the-single-source");
    expect(anchorOf("Backups and restoring one: `sei-infra restore`")).toBe(
      "backups-and-restoring-one-sei-infra-restore",
    );
  });

  it("every one of them exists", () => {
    expect(files.flatMap(missingIn)).toEqual([]);
  });
});
