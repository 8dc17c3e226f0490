/**
 * Reading a saved plan: what `show -json PLANFILE` says a stack's plan does.
 * Decisions come from the JSON plan, never from exit codes or wording, which
 * differ between OpenTofu and Terraform versions (opentofu #3107, terraform
 * #35117); the one exception is the engine's own prevent_destroy refusal,
 * which stops the plan before any plan file exists (engineRefusals).
 */

/** The part of the JSON plan format (format_version 1.x, both engines) read here. */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly Action[] }>>;
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly change: { readonly actions: readonly Action[] };
  /** The address the resource had in the state, when a `moved` block gives it a new one. */
  readonly previous_address?: string;
}

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/**
 * Resource types whose deletion or replacement loses data or locks the
 * application out of it: the volume claims, the namespace (deleting it
 * deletes its claims), the database StatefulSet, the Secrets and the
 * generated passwords they hold. The stacks put prevent_destroy on every one
 * of these but the StatefulSet (replacing it restarts the database on the same
 * claim: an outage, not a loss; test/synth/tiers.test.ts keeps the two lists
 * in step); this guard holds whatever a later construct forgets.
 */
export const DATA_BEARING_TYPES: readonly string[] = [
  "kubernetes_persistent_volume_claim_v1",
  "kubernetes_namespace_v1",
  "kubernetes_stateful_set_v1",
  "kubernetes_secret_v1",
  "random_password",
];

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

export function parsePlanJson(text: string): PlanJson {
  const plan = JSON.parse(text) as PlanJson;
  if (typeof plan !== "object" || plan === null || typeof plan.format_version !== "string") {
    throw new Error("show -json did not print a JSON plan (no format_version)");
  }
  if (!/^1\./.test(plan.format_version))
    throw new Error(`show -json printed plan format ${plan.format_version}; this version reads 1.x`);
  return plan;
}

const managed = (changes: readonly ResourceChange[] | undefined) => (changes ?? []).filter((c) => c.mode === "managed");
const deletes = (c: ResourceChange) => c.change.actions.includes("delete");
const acts = (c: ResourceChange) => c.change.actions.some((a) => a !== "no-op" && a !== "read");
/**
 * Moved to a new address (a `moved` block): the object stays as it is, but
 * only an apply records the new address in the state; until then the block
 * cannot be dropped without the engine destroying and creating the object.
 */
const moves = (c: ResourceChange) => c.previous_address !== undefined && c.previous_address !== c.address;

/** Counted as the engines count their "Plan: N to add, N to change, N to destroy" line. */
export function countChanges(plan: PlanJson): ChangeCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const { change: c } of managed(plan.resource_changes)) {
    if (c.actions.includes("create")) add++;
    if (c.actions.includes("delete")) destroy++;
    if (c.actions.includes("update")) change++;
  }
  return { add, change, destroy };
}

/** Addresses of data-bearing resources the plan deletes or replaces, sorted. */
export function dataBearingDeletes(plan: PlanJson): string[] {
  return managed(plan.resource_changes)
    .filter((c) => DATA_BEARING_TYPES.includes(c.type) && deletes(c))
    .map((c) => c.address)
    .sort();
}

/** True when applying the plan would change a resource, its address or an output (outputs live in the state too). */
export function hasChanges(plan: PlanJson): boolean {
  return (
    managed(plan.resource_changes).some((c) => acts(c) || moves(c)) ||
    Object.values(plan.output_changes ?? {}).some((c) => c.actions.some((a) => a !== "no-op"))
  );
}

export type DriftState =
  | { readonly state: "in-sync" }
  | { readonly state: "drifted"; readonly addresses: readonly string[] }
  | { readonly state: "pending"; readonly counts: ChangeCounts };

/**
 * Addresses changed outside Terraform that the plan would set back: those of
 * resource_drift that resource_changes also acts on. resource_drift alone is
 * not enough: Terraform lists every object whose refreshed state differs in
 * any attribute (23 resources of a stack where kubectl changed two: recorded
 * in test/fleet/fixtures/plans/terraform-drift.json), OpenTofu only the two.
 * So drift is read from a normal plan: a refresh-only plan's resource_changes
 * is empty on both engines, whatever the drift or the configuration.
 */
export function driftedAddresses(plan: PlanJson): string[] {
  const changing = new Set(
    managed(plan.resource_changes)
      .filter(acts)
      .map((c) => c.address),
  );
  const drifted = managed(plan.resource_drift)
    .filter((c) => acts(c) && changing.has(c.address))
    .map((c) => c.address);
  return [...new Set(drifted)].sort();
}

/** The drift state of a stack: drifted (with the addresses), else a configuration change not yet applied (pending), else in sync. */
export function classifyDrift(plan: PlanJson): DriftState {
  const addresses = driftedAddresses(plan);
  if (addresses.length > 0) return { state: "drifted", addresses };
  if (hasChanges(plan)) return { state: "pending", counts: countChanges(plan) };
  return { state: "in-sync" };
}

/**
 * Addresses the engine refused to destroy because of prevent_destroy. The
 * engines word it differently (recorded in test/fleet/fixtures/plans):
 *   Terraform: "Resource <address> has lifecycle.prevent_destroy set, …"
 *   OpenTofu:  "Resource instance <address> has prevent_destroy set, …"
 * and wrap the text, so any whitespace may separate the words.
 */
export function engineRefusals(log: string): string[] {
  const found = [
    ...log.matchAll(/Resource(?:\s+instance)?\s+(\S+)\s+has\s+(?:lifecycle\.)?prevent_destroy\s+set/g),
  ].map((m) => m[1]!);
  return [...new Set(found)].sort();
}

/**
 * The engine's error summaries in a log ("Error: …" lines, also inside the
 * "│ " boxes both engines draw), without repeats, for the report's error field.
 */
export function errorSummaries(log: string): string[] {
  const found = [...log.matchAll(/^[│ ]*Error: (.+)$/gm)].map((m) => m[1]!.trim());
  return [...new Set(found)];
}
