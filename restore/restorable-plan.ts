/**
 * The instance a restore writes into, opened through the one door to the
 * fleet (shell/open-fleet.ts): the municipality exists (by its exact name),
 * its file is valid, and it is in a phase that can take a restore. Read from
 * the working tree of the repository, wherever the command runs in it.
 */
import type { InstancePlan } from "../core/plan.ts";
import { UsageError } from "../shell/exit.ts";
import { NOTHING } from "../shell/messages.ts";
import type { Naming } from "../shell/names.ts";
import { openFleet } from "../shell/open-fleet.ts";
import { findProject, municipalitiesFolder } from "../shell/paths.ts";

/** restore's argument: one municipality name (not a stack name). */
const ARGUMENT: Naming = { flag: "", stacks: false };

/**
 * The plan of the instance; undefined when its file is invalid (the
 * diagnostics are printed through `err`). Throws UsageError for an unknown
 * name or a phase with no backups to restore.
 */
export function restorablePlan(
  where: { readonly cwd: string; readonly municipalities: string | undefined },
  name: string,
  err: (text: string) => void,
): InstancePlan | undefined {
  const project = findProject(where.cwd);
  const opened = openFleet({
    project,
    municipalitiesDir: municipalitiesFolder(project, where.municipalities),
    err,
    stop: ["sei-infra restore:", NOTHING.stopped],
    names: { list: [name], naming: ARGUMENT },
  });
  if (!opened) return undefined;
  const plan = opened.plans[0]!;
  if (plan.municipality.phase === "suspended")
    throw new UsageError(
      `${plan.municipality.name} is suspended: its namespace's quota admits no pod, so neither its database nor a restore Job can run; ` +
        `set phase production and deploy it first (docs/restore.md, "A suspended instance")`,
    );
  if (!plan.backup || !plan.release)
    throw new UsageError(
      `${plan.municipality.name} is in phase ${plan.municipality.phase}: only a production instance has backups and runs its database; restore into it in production`,
    );
  return plan;
}
