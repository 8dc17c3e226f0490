/**
 * The cdktf app over a fleet: one MunicipalityStack per plan, synthesized
 * into a folder. Used by stacks/main.ts and by the synthesis tests, so both
 * build exactly the same stacks.
 */
import { App, TerraformResource } from "../runtime/cdktf.ts";
import type { InstancePlan } from "../core/plan.ts";
import { textTable } from "../report/table.ts";
import { MunicipalityStack } from "./municipality-stack.ts";

export interface FleetAppOptions {
  /** Repository root (chart folder, local state folder). */
  readonly root: string;
  /** Folder cdktf writes manifest.json and stacks/ into. */
  readonly outdir: string;
  /**
   * Run cdktf's construct validations (provider presence per stack). The
   * stacks are built from validated plans, so the app skips them for speed.
   * @default false
   */
  readonly validate?: boolean;
}

export interface SummaryRow {
  readonly municipality: string;
  readonly tier: string;
  readonly phase: string;
  readonly stack: string;
  readonly resources: number;
}

export function buildFleetApp(
  plans: readonly InstancePlan[],
  options: FleetAppOptions,
): { app: App; stacks: MunicipalityStack[] } {
  const app = new App({ outdir: options.outdir, skipValidation: !options.validate, stackTraces: false });
  const stacks = plans.map((plan) => new MunicipalityStack(app, { plan, root: options.root }));
  return { app, stacks };
}

export function summarize(stacks: readonly MunicipalityStack[]): SummaryRow[] {
  return stacks.map((stack) => ({
    municipality: stack.plan.municipality.name,
    tier: stack.plan.municipality.tier,
    phase: stack.plan.municipality.phase,
    stack: stack.plan.stackName,
    resources: stack.node.findAll().filter((c) => TerraformResource.isTerraformResource(c)).length,
  }));
}

/** A fixed-width table for the terminal, then the totals. */
export function formatSummary(rows: readonly SummaryRow[]): string {
  const table = textTable(
    {
      headers: ["municipality", "tier", "phase", "stack", "resources"],
      align: ["left", "left", "left", "left", "right"],
      rows: rows.map((r) => [r.municipality, r.tier, r.phase, r.stack, String(r.resources)]),
    },
    { underline: false },
  );
  const total = rows.reduce((sum, r) => sum + r.resources, 0);
  return `${table}\n${rows.length} stack(s), ${total} resources`;
}
