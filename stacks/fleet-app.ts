/**
 * The cdktf app over a fleet: one MunicipalityStack per plan, synthesized
 * into a folder. Used by stacks/cdktf-app.ts and by the synthesis tests, so both
 * build exactly the same stacks.
 */
import { writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { App, TerraformResource } from "../runtime/cdktf.ts";
import type { InstancePlan } from "../core/plan.ts";
import { textTable } from "../report/table.ts";
import { packageChart, type ChartPackage } from "./chart-package.ts";
import { MunicipalityStack, chartOf, type StackInputs } from "./municipality-stack.ts";
import { STACK_LOCK_FILE, readProviderLock } from "./provider-lock.ts";

/**
 * The stacks' inputs for a synthesis into `outdir` (the folder the stacks
 * finally live in, under outdir/stacks/): every chart the plans name packaged
 * once, the way from a stack folder back to the repository `root`, and the
 * provider lock file.
 */
export function stackInputs(root: string, outdir: string, plans: readonly InstancePlan[]): StackInputs {
  const chartPaths = new Set(plans.flatMap((plan) => (plan.release ? [plan.release.chartPath] : [])));
  const charts = new Map<string, ChartPackage>();
  for (const path of chartPaths) charts.set(path, packageChart(resolve(root, path)));
  // Every stack folder is one level below outdir/stacks, so one way back serves them all.
  const rootFromStack = relative(join(resolve(outdir), "stacks", "any"), resolve(root))
    .split(sep)
    .join("/");
  return { rootFromStack: rootFromStack || ".", charts, providerLock: readProviderLock(root) };
}

export interface FleetAppOptions {
  /** Folder cdktf writes manifest.json and stacks/ into. */
  readonly outdir: string;
  /** Charts and the repository root as the stacks see them (stackInputs). */
  readonly inputs: StackInputs;
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
  const stacks = plans.map((plan) => new MunicipalityStack(app, { plan, inputs: options.inputs }));
  return { app, stacks };
}

/**
 * Builds and synthesizes the app, then puts the provider lock file in every
 * stack folder and the packaged chart in the folder of every stack with a release.
 */
export function synthesizeApp(plans: readonly InstancePlan[], options: FleetAppOptions): SummaryRow[] {
  const { app, stacks } = buildFleetApp(plans, options);
  app.synth();
  for (const { plan } of stacks) {
    writeFileSync(join(options.outdir, "stacks", plan.stackName, STACK_LOCK_FILE), options.inputs.providerLock);
    if (!plan.release) continue;
    const chart = chartOf(options.inputs, plan.release.chartPath);
    writeFileSync(join(options.outdir, "stacks", plan.stackName, chart.fileName), chart.archive);
  }
  return summarize(stacks);
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
