/**
 * Runs `sei-infra capacity` in a fixture repository, in this process (fast),
 * and returns the documented JSON with the exit code and standard error.
 * The CLI tests run the real bin as a child process; these check the figures.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CapacityDiff } from "../../core/capacity/diff.ts";
import type { CapacityReport } from "../../core/capacity/capacity-report.ts";
import type { Diagnostic } from "../../core/diagnostics.ts";
import { runCapacity } from "../../commands/capacity.ts";
import type { FixtureRepo } from "../../scripts/lib/fleet-repo.ts";

export interface DiffJson extends Omit<CapacityDiff, "base" | "head"> {
  readonly mode: "diff";
  readonly base: CapacityReport;
  readonly head: CapacityReport;
  readonly diagnostics: readonly Diagnostic[];
}

export interface ReportJson {
  readonly mode: "report";
  readonly report: CapacityReport;
  readonly diagnostics: readonly Diagnostic[];
}

export interface Run<T> {
  readonly code: number;
  readonly stderr: string;
  readonly json: T | undefined;
}

export function capacity<T = DiffJson>(repo: FixtureRepo, revisions: { base?: string; head?: string } = {}): Run<T> {
  const output = join(repo.root, ".capacity.json");
  rmSync(output, { force: true });
  const stderr: string[] = [];
  const io = {
    cwd: repo.root,
    stdout: () => undefined,
    stderr: (text: string) => void stderr.push(text),
    env: {},
    colour: false,
    now: () => new Date(),
  };
  const code = runCapacity({ municipalities: "municipalities", format: "json", output, ...revisions }, io);
  let json: T | undefined;
  try {
    json = JSON.parse(readFileSync(output, "utf8")) as T;
  } catch {
    json = undefined;
  }
  return { code, stderr: stderr.join(""), json };
}
