/**
 * No checkout path in a synthesized stack: the same project at two paths of
 * different depths synthesizes byte-identical stacks (chart archive, local
 * state path and all), so two engineers or CI runners never plan against each
 * other. Each copy runs the app exactly as cdktf.json says, from its own folder.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mapFiles } from "../../scripts/lib/file-tree.ts";
import { REPO_ROOT, cleanScratch, scratchDir } from "./support.ts";

afterAll(cleanScratch);

/** The project's files (tracked and new, as they are in the working tree) copied to `dir`, node_modules linked. */
function copyProject(dir: string): string {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(dir, file), { verbatimSymlinks: true });
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function synthesizeIn(root: string): Record<string, Buffer> {
  const app = (JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string }).app;
  const env = { ...process.env };
  for (const key of ["SEI_ONLY", "SEI_MUNICIPALITIES_DIR", "CDKTF_OUTDIR"]) delete env[key];
  const run = spawnSync(app, { cwd: root, env, shell: true, encoding: "utf8", timeout: 180_000 });
  expect(run.status, run.stderr).toBe(0);
  return mapFiles(join(root, "cdktf.out"), (path) => readFileSync(path));
}

describe("two clones at different paths", () => {
  it("synthesize byte-identical cdktf.out folders holding neither path", () => {
    const one = copyProject(join(scratchDir("sei-clone-a-"), "repo"));
    const two = copyProject(join(scratchDir("sei-clone-b-"), "some", "deeper", "checkout"));
    const a = synthesizeIn(one);
    const b = synthesizeIn(two);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const [file, bytes] of Object.entries(a)) {
      expect(Buffer.compare(b[file]!, bytes), file).toBe(0);
      expect(bytes.includes(one), file).toBe(false);
      expect(bytes.includes(REPO_ROOT.replace(/\/$/, "")), file).toBe(false);
    }
    expect(Object.keys(a).filter((f) => f.endsWith(".tgz")).length).toBeGreaterThan(0);
  });
});
