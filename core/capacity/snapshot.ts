/**
 * A fleet at one revision, resolved for capacity: every municipality with the
 * plan that deploys it and whether it consumes capacity yet.
 *
 * A `contracted` municipality deploys nothing (docs/architecture.md, "Lifecycle phases"), so it is
 * pipeline: the report shows what formalizing it would add. Publication on the
 * PNCP moves it to `provisioning`, so that is the phase its plan is resolved
 * at; when the file moves on, its figures become active unchanged. Production
 * adds the tier's high availability and backups, and those appear when the
 * file says production, like for every other municipality.
 */
import type { Fleet } from "../load-fleet.ts";
import { planFleet } from "../load-fleet.ts";
import type { InstancePlan } from "../plan.ts";
import type { Municipality, Phase, TierId } from "../schema/municipality.ts";
import { isFormalized } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";
import type { Figures } from "./figures.ts";
import { figuresOf } from "./figures.ts";

/** The phase a contracted municipality gets when its contract is published on the PNCP. */
export const PIPELINE_PHASE: Phase = "provisioning";

/** Where a municipality counts: in the fleet's totals once formalized, before that in the pipeline. */
export type Status = "active" | "pipeline";

export interface Entry {
  readonly file: string;
  readonly municipality: Municipality;
  readonly plan: InstancePlan;
  readonly status: Status;
  readonly figures: Figures;
}

export interface Snapshot {
  /** Where the files came from: "working tree" or a git revision. */
  readonly label: string;
  readonly platform: Platform;
  readonly tiers: ReadonlyMap<TierId, Tier>;
  /** Sorted by municipality name. */
  readonly entries: readonly Entry[];
}

/** Resolves a loaded fleet; the fleet must have no errors (callers print them and stop first). */
export function snapshotOf(fleet: Fleet, label: string): Snapshot {
  if (!fleet.platform) throw new Error("snapshotOf needs a fleet whose platform.yaml loaded");
  const contracted = fleet.municipalities.filter(({ municipality }) => !isFormalized(municipality.spec.phase));
  // planFleet resolves only formalized municipalities; the pipeline goes through it too,
  // as if published, so both kinds of plan come from the one resolve.
  const asPublished = contracted.map(({ file, municipality }) => ({
    file,
    municipality: { ...municipality, spec: { ...municipality.spec, phase: PIPELINE_PHASE } },
  }));
  const plans = new Map<string, InstancePlan>();
  for (const plan of [...planFleet(fleet), ...planFleet({ ...fleet, municipalities: asPublished })]) {
    plans.set(plan.municipality.sourceFile, plan);
  }
  const entries = fleet.municipalities.map(({ file, municipality }): Entry => {
    const plan = plans.get(file);
    if (!plan) throw new Error(`${file}: no plan was resolved`);
    const status: Status = isFormalized(municipality.spec.phase) ? "active" : "pipeline";
    return { file, municipality, plan, status, figures: figuresOf(plan) };
  });
  entries.sort((a, b) => compareNames(a.municipality.metadata.name, b.municipality.metadata.name));
  return { label, platform: fleet.platform, tiers: fleet.tiers, entries };
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
