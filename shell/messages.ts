/**
 * The messages several commands print, written once: the same situation reads
 * the same in fleet, synth, restore and capacity.
 */

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
