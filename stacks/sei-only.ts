/**
 * SEI_ONLY: the municipalities to synthesize, so deploying one contract does
 * not synthesize 853 (docs/architecture.md, "Layers and data flow"). `cdktf synth STACK` still runs the
 * whole app, which is why the selection lives in the app.
 *
 * With a selection, only the selected files are validated (the others still
 * count for the fleet rules, such as unique domains): one municipality's
 * broken file never blocks another's deploy. The names are matched as every
 * command matches them (shell/names.ts, through shell/open-fleet.ts).
 */
import { listOption, type Naming } from "../shell/names.ts";

/** The names in SEI_ONLY (comma-separated), or undefined when it is unset or blank. */
export function parseOnly(only: string | undefined): string[] | undefined {
  const names = listOption(only);
  return names?.length ? names : undefined;
}

/** SEI_ONLY names municipalities, never stacks (shell/names.ts). */
export const SEI_ONLY: Naming = { flag: "SEI_ONLY", stacks: false };
