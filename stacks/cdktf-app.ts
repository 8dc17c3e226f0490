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
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { InstancePlan } from "../core/plan.ts";
import { printable } from "../core/printable.ts";
import { UsageError } from "../shell/exit.ts";
import { NOTHING } from "../shell/messages.ts";
import { openFleet } from "../shell/open-fleet.ts";
import { formatSummary } from "./fleet-app.ts";
import { discard, publish, removeStaleStaging, stagingFor } from "./output-dir.ts";
import { parseOnly, SEI_ONLY } from "./sei-only.ts";
import { backendNotes } from "./terraform-backend.ts";
import { synthesizeFleet } from "./synthesize.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

function fail(messages: readonly string[]): never {
  for (const message of messages) process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The plans to synthesize, through the one door every command opens the fleet by; exits 1 on an invalid file or name. */
function selectedPlans(municipalitiesDir: string, only: string[] | undefined): InstancePlan[] {
  try {
    const opened = openFleet({
      project: { root, cwd: root },
      municipalitiesDir,
      err: (text) => void process.stderr.write(text),
      stop: ["synthesis", NOTHING.written],
      ...(only ? { names: { list: only, naming: SEI_ONLY } } : {}),
    });
    return opened ? opened.plans : process.exit(1);
  } catch (error) {
    // SEI_ONLY and the file names are printed escaped (core/printable.ts), like every diagnostic.
    if (error instanceof UsageError) fail([printable(error.message), `synthesis stopped: ${NOTHING.written}`]);
    throw error;
  }
}

async function main(): Promise<void> {
  const env = process.env;
  // The loader reads paths relative to the repository root; an absolute folder (a benchmark's temp dir) works too.
  const municipalitiesDir = relative(root, resolve(root, env.SEI_MUNICIPALITIES_DIR ?? "municipalities"));
  const plans = selectedPlans(municipalitiesDir, parseOnly(env.SEI_ONLY));
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
  } catch (error) {
    discard(staging);
    fail([
      `synthesis failed: ${printable(error instanceof Error ? error.message : String(error))}`,
      "the previous output folder was left as it was",
    ]);
  }
}

await main();
