/**
 * Municipalities selected by name, the one way every command does it (fleet
 * --only, the synthesis's SEI_ONLY, restore's argument). A name matches
 * exactly: `x` is the municipality of the file `x.yaml` and, where stack
 * names are accepted, `sei-x` is its stack (no municipality name starts with
 * the stack prefix: core rule no-stack-prefix). An unknown name gets the
 * closest one as a suggestion; a known one that is not formalized yet, the
 * one message that says why it has nothing deployed.
 */
import { posix } from "node:path";
import { didYouMean } from "../core/load/suggest.ts";
import type { InstancePlan } from "../core/plan.ts";
import { quoted } from "../core/printable.ts";
import { STACK_PREFIX } from "../core/rules/no-stack-prefix.ts";
import { listFolder, type FileSource } from "../core/source.ts";
import { UsageError } from "./exit.ts";
import { NOT_FORMALIZED } from "./messages.ts";

export interface Naming {
  /** The option or variable the names come from ("--only", "SEI_ONLY"), or "" for a command's argument. */
  readonly flag: string;
  /** `sei-x` names the stack of municipality x. */
  readonly stacks: boolean;
}

/** "a,b" and repeated flags alike → names, blanks dropped, duplicates removed, order kept. */
export function listOption(values: readonly string[] | string | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const names = [values]
    .flat()
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  return [...new Set(names)];
}

/** The municipality files of `names`, in the order named (relative to the source root); throws UsageError for an unknown name. */
export function namedFiles(source: FileSource, dir: string, names: readonly string[], naming: Naming): string[] {
  const files = new Set(listFolder(source, dir).names.filter((n) => n.endsWith(".yaml")));
  return names.map((name) => {
    const file = `${municipalityOf(name, naming)}.yaml`;
    if (files.has(file)) return posix.join(dir, file);
    const known = [...files].map((f) => `${prefixOf(name, naming)}${f.slice(0, -".yaml".length)}`);
    throw new UsageError(
      `${subject(name, naming)}: no municipality${orStack(naming)} of that name in ${dir}/${didYouMean(name, known)}`,
    );
  });
}

/**
 * The plans of `names`, in the order named, once each. `phaseOf` gives the
 * phase of a municipality that has no plan (contracted), for the message.
 */
export function namedPlans(
  plans: readonly InstancePlan[],
  names: readonly string[],
  naming: Naming,
  phaseOf: (municipality: string) => string | undefined,
): InstancePlan[] {
  const selected = names.map((name) => {
    const municipality = municipalityOf(name, naming);
    const plan = plans.find((p) => p.municipality.name === municipality);
    if (plan) return plan;
    const phase = phaseOf(municipality);
    if (phase)
      throw new UsageError(`${subject(name, naming)}: the municipality is in phase ${phase}; ${NOT_FORMALIZED}`);
    const known = plans.map((p) => `${prefixOf(name, naming)}${p.municipality.name}`);
    throw new UsageError(
      `${subject(name, naming)}: no municipality${orStack(naming)} of that name${didYouMean(name, known)}`,
    );
  });
  return [...new Set(selected)];
}

/** The municipality a name means: a stack name is `sei-` and the municipality's name. */
function municipalityOf(name: string, naming: Naming): string {
  return naming.stacks && name.startsWith(STACK_PREFIX) ? name.slice(STACK_PREFIX.length) : name;
}

/** Suggestions come in the form the name was given: a stack name for a stack name. */
function prefixOf(name: string, naming: Naming): string {
  return naming.stacks && name.startsWith(STACK_PREFIX) ? STACK_PREFIX : "";
}

const subject = (name: string, naming: Naming) => (naming.flag ? `${naming.flag} ${name}` : quoted(name));
const orStack = (naming: Naming) => (naming.stacks ? " or stack" : "");
