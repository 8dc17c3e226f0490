/**
 * docs/runbooks/: every page is in the index, and every runnable step (a
 * block `sh step=…`, which test/e2e/workloads.test.ts runs as written) passes
 * shellcheck with the variables the pages set.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RUNBOOKS, runbookStep, runbookSteps } from "../../scripts/lib/runbook-steps.ts";

const pages = readdirSync(RUNBOOKS).filter((f) => f.endsWith(".md") && f !== "README.md");
const scratch = mkdtempSync(join(tmpdir(), "sei-runbooks-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** shellcheck's findings on a step, with the variables a runbook reader has set. */
function shellcheck(name: string, body: string): string {
  const file = join(scratch, `${name}.sh`);
  writeFileSync(file, `#!/usr/bin/env bash\nNAME=tiradentes REPORT=apply.json\nexport NAME REPORT\n${body}`);
  const run = spawnSync("shellcheck", ["--format=gcc", file], { encoding: "utf8" });
  return run.stdout + run.stderr;
}

describe("docs/runbooks", () => {
  it("the index lists every page, and names no page that is not there", () => {
    const index = readFileSync(join(RUNBOOKS, "README.md"), "utf8");
    const linked = [...index.matchAll(/\]\(([\w-]+\.md)\)/g)].map((m) => m[1]).sort();
    expect(linked).toEqual([...pages].sort());
  });

  it.each(pages.flatMap((page) => [...runbookSteps(page)].map(([name, body]) => [page, name, body] as const)))(
    "%s step %s passes shellcheck",
    (page, name, body) => {
      expect(shellcheck(`${page}-${name}`, body)).toBe("");
    },
  );

  it("shellcheck does look at the steps: a broken one is reported", () => {
    expect(shellcheck("broken", 'kubectl -n sei-$NAME get pods\nif [ -z "$x" ]; then\n')).toMatch(/SC\d+/);
  });

  it("a step named but not written is an error naming the page", () => {
    expect(() => runbookStep("deploy-failed.md", "no-such-step")).toThrow(
      "docs/runbooks/deploy-failed.md has no block ```sh step=no-such-step",
    );
  });
});
