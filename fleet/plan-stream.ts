/**
 * A plan's decisions from the engine's machine-readable stream of the plan
 * run itself (OpenTofu's `plan -json-into=FILE`, the same messages as
 * `plan -json`), so that plan and summary start the providers once: `show
 * -json PLANFILE` would start them again only to load their schemas, and
 * decrypt the plan again (with state encryption, a key derivation of about
 * a second of CPU).
 *
 * The stream is read into the same PlanJson shape as `show -json`
 * (fleet/classify.ts decides from it either way): `planned_change` messages
 * become resource_changes, `resource_drift` messages resource_drift, the
 * `outputs` message output_changes. The engine's own `change_summary` is
 * checked against the counts read: when they disagree, or the stream holds
 * an action this reading does not know, `undefined` says "read the plan file
 * with show -json instead", so a new engine release can slow a stack down,
 * never change a decision.
 */
import type { Action, PlanJson, ResourceChange } from "./classify.ts";
import { countChanges } from "./classify.ts";

interface StreamChange {
  readonly resource: { readonly addr: string; readonly resource: string; readonly resource_type: string };
  readonly action: string;
  /** Where a `moved` block moves the resource from. */
  readonly previous_resource?: { readonly addr: string };
}

interface StreamMessage {
  readonly type?: string;
  readonly change?: StreamChange;
  readonly changes?: { readonly add: number; readonly change: number; readonly remove: number };
  readonly outputs?: Readonly<Record<string, { readonly action?: string }>>;
}

/** The stream's action words (OpenTofu views/json ChangeAction) as the JSON plan's action lists. */
const ACTIONS: Readonly<Record<string, readonly Action[]>> = {
  create: ["create"],
  read: ["read"],
  update: ["update"],
  replace: ["delete", "create"],
  delete: ["delete"],
  remove: ["forget"],
  // A move or an import without any other change: the JSON plan says no-op for both.
  move: ["no-op"],
  import: ["no-op"],
};

/** The plan as `show -json` would give it for classify.ts, or undefined when the stream cannot be trusted for it. */
export function planFromStream(text: string): PlanJson | undefined {
  const changes: ResourceChange[] = [];
  const drift: ResourceChange[] = [];
  const outputs: Record<string, { actions: readonly Action[] }> = {};
  let summary: StreamMessage["changes"];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let message: StreamMessage;
    try {
      message = JSON.parse(line) as StreamMessage;
    } catch {
      return undefined;
    }
    if (message.type === "planned_change" || message.type === "resource_drift") {
      const change = resourceChange(message.change);
      if (!change) return undefined;
      (message.type === "planned_change" ? changes : drift).push(change);
    } else if (message.type === "change_summary") {
      summary = message.changes;
    } else if (message.type === "outputs") {
      for (const [name, output] of Object.entries(message.outputs ?? {})) {
        const actions = output.action === "noop" ? (["no-op"] as const) : ACTIONS[output.action ?? ""];
        if (!actions) return undefined;
        outputs[name] = { actions };
      }
    }
  }
  // No summary: the plan did not finish (it failed, or was stopped).
  if (!summary) return undefined;
  const plan: PlanJson = {
    format_version: "1.2",
    resource_changes: changes,
    resource_drift: drift,
    output_changes: outputs,
  };
  const counted = countChanges(plan);
  if (counted.add !== summary.add || counted.change !== summary.change || counted.destroy !== summary.remove)
    return undefined;
  return plan;
}

function resourceChange(change: StreamChange | undefined): ResourceChange | undefined {
  const actions = ACTIONS[change?.action ?? ""];
  if (!change || !actions) return undefined;
  return {
    address: change.resource.addr,
    mode: /^data\./.test(change.resource.resource) ? "data" : "managed",
    type: change.resource.resource_type,
    change: { actions },
    ...(change.previous_resource ? { previous_address: change.previous_resource.addr } : {}),
  };
}
