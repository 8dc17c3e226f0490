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
}

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/**
 * Resource types whose deletion or replacement loses data or locks the
 * application out of it: the volume claims, the namespace (deleting it
 * deletes its claims), the database StatefulSet, the Secrets and the
 * generated passwords they hold. The stacks also put prevent_destroy on most
 * of these (docs/synth.md); this guard holds for every one of them, whatever
 * a later construct forgets.
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
  if (!/^1\./.test(plan.format_version)) throw new Error(`show -json printed plan format ${plan.format_version}; this version reads 1.x`);
  return plan;
}

const managed = (changes: readonly ResourceChange[] | undefined) => (changes ?? []).filter((c) => c.mode === "managed");
const deletes = (c: ResourceChange) => c.change.actions.includes("delete");
const acts = (c: ResourceChange) => c.change.actions.some((a) => a !== "no-op" && a !== "read");

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

/** True when applying the plan would change a resource or an output (outputs live in the state too). */
export function hasChanges(plan: PlanJson): boolean {
  return managed(plan.resource_changes).some(acts) || Object.values(plan.output_changes ?? {}).some((c) => c.actions.some((a) => a !== "no-op"));
}

export type DriftState =
  | { readonly state: "in-sync" }
  | { readonly state: "drifted"; readonly addresses: readonly string[] }
  | { readonly state: "pending"; readonly counts: ChangeCounts };

/**
 * The drift state of a stack from a refresh-only plan: resource_drift lists
 * the objects that changed outside Terraform; without any, resource_changes
 * tells whether the configuration differs from the state (a change waiting
 * for `fleet apply`).
 */
export function classifyDrift(plan: PlanJson): DriftState {
  const addresses = managed(plan.resource_drift)
    .filter(acts)
    .map((c) => c.address)
    .sort();
  if (addresses.length > 0) return { state: "drifted", addresses: [...new Set(addresses)] };
  if (hasChanges(plan)) return { state: "pending", counts: countChanges(plan) };
  return { state: "in-sync" };
}

/**
 * Addresses the engine refused to destroy because of lifecycle.prevent_destroy.
 * Both engines say "Resource <address> has lifecycle.prevent_destroy set"
 * in the error's detail (their summaries differ: "Instance cannot be
 * destroyed" against "Resource instance cannot be destroyed"); the text may
 * be wrapped, so any whitespace may separate the words.
 */
export function engineRefusals(log: string): string[] {
  const found = [...log.matchAll(/Resource\s+(\S+)\s+has\s+lifecycle\.prevent_destroy\s+set/g)].map((m) => m[1]!);
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
