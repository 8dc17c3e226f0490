/**
 * A municipality's stack is `sei-<name>`, and `--only` takes a stack or a
 * municipality name. A municipality named `sei-tiradentes` would have the stack
 * `sei-sei-tiradentes`, and its name would be the stack name of Tiradentes: a
 * job meant for one would select the other. So no municipality name starts
 * with the stack prefix, and a name with it always means a stack.
 */
import { quoted } from "../printable.ts";
import { stackName } from "../naming.ts";
import { finding, type FleetRule } from "./fleet-rule.ts";

export const STACK_PREFIX = stackName("");

export const noStackPrefix: FleetRule = {
  id: "no-stack-prefix",
  description: `A municipality name does not start with "${STACK_PREFIX}", the prefix of stack names.`,
  check: ({ municipalities }) =>
    municipalities.flatMap((doc) => {
      const name = doc.value.metadata.name;
      if (!name.startsWith(STACK_PREFIX)) return [];
      const message = `${quoted(name)} starts with "${STACK_PREFIX}", the prefix of stack names: its stack would be ${stackName(name)}, and --only ${name} names the stack of ${quoted(name.slice(STACK_PREFIX.length))}; give the municipality's own name`;
      return [finding(doc, { path: ["metadata", "name"], message })];
    }),
};
