/**
 * The messages several commands print, written once: the same situation reads
 * the same in fleet, synth, restore, backups and capacity.
 */
import type { InstancePlan } from "../core/plan.ts";

/** Why a contracted municipality has no stack, no instance and nothing to select. */
export const NOT_FORMALIZED = "nothing is deployed before the contract is published on the PNCP";

/** The line after the diagnostics of an invalid input file, when a command stops on them. */
export function stoppedOnErrors(who: string, nothingDone: string): string {
  return `${who} stopped: fix the errors above; ${nothingDone}`;
}

/** What a command did not do when it stopped: the last words of its refusal. */
export const NOTHING = {
  ran: "nothing ran",
  written: "nothing was written",
  stopped: "nothing was stopped or changed",
  reported: "nothing was reported",
} as const;

/** The line of a run whose selection is empty (--changed-since, --plans): nothing to do is success. */
export function noStackSelected(who: string, nothingDone: string): string {
  return `${who}: no stack selected; ${nothingDone}`;
}

/** Why a municipality has nothing in a backup store: platform.yaml gives its cluster none. Callers add what follows. */
export function noBackupStore(plan: Pick<InstancePlan, "municipality" | "cluster">): string {
  return `cluster ${plan.cluster.name} of ${plan.municipality.name} has no backupStore in platform.yaml`;
}

/** Why an instance has no off-site backups (hasOffsiteBackups is false): no store, or not in production yet. */
export function noOffsiteBackups(plan: Pick<InstancePlan, "municipality" | "cluster" | "backupStore">): string {
  return plan.backupStore
    ? `${plan.municipality.name} is in phase ${plan.municipality.phase}: its backups go to the store from production on`
    : noBackupStore(plan);
}

/** A command that asks before it acts, run where nobody can answer: --yes stands for the answer. */
export function noTerminalGiveYes(verb: string): string {
  return `there is no terminal to ask on: give --yes to ${verb} without asking`;
}
