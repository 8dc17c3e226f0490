/**
 * Speed trick: the preparation of a municipality stack before synthesis
 * (MunicipalityStack.prepareStack calls this instead of cdktf's own).
 *
 * cdktf 0.21's TerraformStack.prepareStack ensures a backend, then resolves
 * every element once only to discover cross-stack references (and add the
 * outputs and remote states they need); that pass is a large share of the
 * fleet's synthesis time (BENCHMARKS.md). A municipality stack never refers to
 * another stack, so the pass is skipped, and unset attributes are pruned
 * before resolution (runtime/prune-to-terraform.ts).
 *
 * Relies on: cdktf 0.21's prepareStack doing exactly those two things
 * (node_modules/cdktf/lib/terraform-stack.js); a new cdktf or the cdktn fork
 * must be checked against it.
 * Proved unchanged by: test/synth/synthesis.test.ts ("gives the output of
 * cdktf's own preparation"), and every synthesis snapshot.
 */
import { TerraformElement, type TerraformStack } from "./cdktf.ts";
import { pruneElementsUnder } from "./prune-to-terraform.ts";

export function prepareStandaloneStack(stack: TerraformStack): void {
  stack.ensureBackendExists();
  pruneElementsUnder(stack, (c) => TerraformElement.isTerraformElement(c));
}
