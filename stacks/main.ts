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
import { posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hasErrors } from "../core/diagnostics.ts";
import { printable } from "../core/printable.ts";
import { formatDiagnostic } from "../report/diagnostics/text.ts";
import { loadFleet, planFleet } from "../core/fleet.ts";
import { listFolder } from "../core/source.ts";
import { workingTree } from "../sources/working-tree.ts";
import { formatSummary } from "./fleet-app.ts";
import { discard, publish, removeStaleStaging, stagingFor } from "./output-dir.ts";
import { parseOnly, selectPlans, unknownNames } from "./selection.ts";
import { backendNotes } from "./terraform-backend.ts";
import { synthesizeFleet } from "./synthesize.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

function fail(messages: readonly string[]): never {
  for (const message of messages) process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const env = process.env;
  // The loader reads paths relative to the repository root; an absolute folder (a benchmark's temp dir) works too.
  const municipalitiesDir = relative(root, resolve(root, env.SEI_MUNICIPALITIES_DIR ?? "municipalities"));
  const source = workingTree(root);
  const only = parseOnly(env.SEI_ONLY);
  if (only) {
    // A folder the source refuses lists nothing here; loadFleet reports why.
    const unknown = unknownNames(only, listFolder(source, municipalitiesDir).names);
    // SEI_ONLY and the file names are printed escaped (core/printable.ts), like every diagnostic.
    if (unknown.length)
      fail([...unknown.map((message) => printable(message)), "synthesis stopped: nothing was written"]);
  }

  const fleet = loadFleet({
    source,
    municipalitiesDir,
    files: only?.map((name) => posix.join(municipalitiesDir, `${name}.yaml`)),
  });
  for (const d of fleet.diagnostics) if (d.severity === "warning") process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(fleet.diagnostics)) {
    fail([
      ...fleet.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic),
      "synthesis stopped: fix the errors above; nothing was written",
    ]);
  }

  let plans = planFleet(fleet);
  if (only) {
    const phases = new Map(fleet.municipalities.map(({ municipality: m }) => [m.metadata.name, m.spec.phase]));
    const selection = selectPlans(plans, only, (name) => phases.get(name));
    if (selection.errors.length) fail([...selection.errors, "synthesis stopped: nothing was written"]);
    plans = selection.plans;
  }
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
