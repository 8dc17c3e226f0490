/**
 * The commands of docs/runbooks/, as the end-to-end suite runs them: each
 * fenced block whose info string is `sh step=<name>` is one step, run as
 * written with bash, so a runbook and its test cannot drift apart.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./example-plan.ts";

export const RUNBOOKS = join(REPO_ROOT, "docs", "runbooks");

/** A fenced block, indented or not (inside a list item), whose info string is `sh step=<name>`. */
const STEP = /^( *)```sh step=([a-z0-9-]+)\n([\s\S]*?)^\1```$/gm;

/** Every step of one runbook page (a file name of docs/runbooks/), by name, in page order. */
export function runbookSteps(page: string): Map<string, string> {
  const text = readFileSync(join(RUNBOOKS, page), "utf8");
  const steps = new Map<string, string>();
  for (const [, indent, name, body] of text.matchAll(STEP)) {
    if (steps.has(name!)) throw new Error(`docs/runbooks/${page}: step ${name} is written twice`);
    steps.set(name!, body!.replace(new RegExp(`^${indent}`, "gm"), ""));
  }
  return steps;
}

/** One step's commands; fails naming the page when the step is not there. */
export function runbookStep(page: string, name: string): string {
  const step = runbookSteps(page).get(name);
  if (step === undefined) throw new Error(`docs/runbooks/${page} has no block \`\`\`sh step=${name}`);
  return step;
}
