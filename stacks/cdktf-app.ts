/**
 * The cdktf app (cdktf.json "app"): one stack `sei-<name>` per formalized
 * municipality.
 *
 *   SEI_MUNICIPALITIES_DIR  folder of the municipality files (default: municipalities)
 *   SEI_ONLY                comma-separated names: synthesize only these
 *   CDKTF_OUTDIR            output folder (`cdktf synth --output DIR` sets it; default cdktf.out)
 *
 * An invalid municipality file (with SEI_ONLY, an invalid selected file) stops
 * before any stack exists, with the messages the validate command prints, and
 * writes nothing. A failing synthesis leaves the previous output folder as it
 * was (stacks/output-dir.ts).
 */
import "../runtime/preload.ts";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { InstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { EXIT, UsageError, type ExitCode } from "../shell/exit.ts";
import { NOTHING } from "../shell/messages.ts";
import { openFleet } from "../shell/open-fleet.ts";
import { municipalitiesFolder } from "../shell/paths.ts";
import { formatSummary } from "./fleet-app.ts";
import { discard, publish, removeStaleStaging, stagingFor } from "./output-dir.ts";
import { parseOnly, SEI_ONLY } from "./sei-only.ts";
import { backendNotes } from "./terraform-backend.ts";
import { synthesizeFleet } from "./synthesize.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Prints the lines of a refusal or failure. */
function printLines(messages: readonly string[]): void {
  for (const message of messages) process.stderr.write(`${message}\n`);
}

/**
 * The plans to synthesize, through the one door every command opens the fleet by; undefined (why printed) on an
 * invalid file or name, or a folder that does not exist: "no municipality" would publish an empty output folder.
 */
function selectedPlans(typedDir: string | undefined, only: string[] | undefined): InstancePlan[] | undefined {
  const project = { root, cwd: root };
  try {
    return openFleet({
      project,
      // Relative to the repository root; an absolute folder (a benchmark's temp dir) works too.
      municipalitiesDir: municipalitiesFolder(project, typedDir),
      err: (text) => void process.stderr.write(text),
      stop: ["synthesis", NOTHING.written],
      ...(only ? { names: { list: only, naming: SEI_ONLY } } : {}),
    })?.plans;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // SEI_ONLY and the file names are printed escaped (core/printable.ts), like every diagnostic.
    printLines([printable(error.message), `synthesis stopped: ${NOTHING.written}`]);
    return undefined;
  }
}

/** The synthesis, and its exit code (shell/exit.ts EXIT_MEANINGS.synth). */
async function main(): Promise<ExitCode> {
  const env = process.env;
  const plans = selectedPlans(env.SEI_MUNICIPALITIES_DIR, parseOnly(env.SEI_ONLY));
  if (!plans) return EXIT.failed;
  for (const note of backendNotes(plans)) process.stderr.write(`${note}\n`);

  const outdir = resolve(env.CDKTF_OUTDIR ?? "cdktf.out");
  removeStaleStaging(outdir);
  const staging = stagingFor(outdir);
  try {
    const rows = await synthesizeFleet(plans, { root, outdir: staging });
    // cdktf-cli sets CDKTF_OUTDIR and cleans up orphaned stack folders itself afterwards.
    publish(staging, outdir, {
      leaveOrphanStacks: env.CDKTF_OUTDIR !== undefined && env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined,
    });
    process.stdout.write(`${formatSummary(rows)}\n`);
    return EXIT.ok;
  } catch (error) {
    discard(staging);
    printLines([
      `synthesis failed: ${printable(error instanceof Error ? error.message : String(error))}`,
      "the previous output folder was left as it was",
    ]);
    return EXIT.failed;
  }
}

// A refusal or failure exits at once (a worker of a failed synthesis may still be running); success ends on its own.
const code = await main();
if (code !== EXIT.ok) process.exit(code);
