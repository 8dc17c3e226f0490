/**
 * Speed trick: the `toTerraform` patch. Drops `undefined` from the
 * configuration an element hands to cdktf's resolver. The generated provider
 * bindings return every attribute of every block they know (a container block
 * has dozens), set or not; the resolver visits each with two contexts and
 * token checks, only to skip it. Removing them first with a plain walk gives
 * the same output faster (BENCHMARKS.md).
 *
 * Only plain objects and arrays are walked: tokens and other class instances
 * are left to the resolver untouched. Empty objects stay (`emptyDir: {}`).
 *
 * Relies on: cdktf 0.21 calling each element's own `toTerraform()` (an
 * instance property can replace it) and its resolver dropping `undefined`
 * values itself, so removing them earlier changes nothing.
 * Proved unchanged by: test/synth/synthesis.test.ts ("gives the output of
 * cdktf's own preparation"), and every synthesis snapshot.
 */
import type { IConstruct } from "./cdktf.ts";

export function pruneUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) if (item !== undefined) out.push(pruneUndefined(item));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = pruneUndefined(item);
    return out;
  }
  return value;
}

interface Synthesizable {
  toTerraform(): unknown;
}

/** Makes every Terraform element under `scope` hand pruned configuration to the resolver. */
export function pruneElementsUnder(scope: IConstruct, isElement: (c: IConstruct) => boolean): void {
  for (const construct of scope.node.findAll()) {
    if (!isElement(construct)) continue;
    const element = construct as unknown as Synthesizable;
    const toTerraform = element.toTerraform.bind(element);
    element.toTerraform = () => pruneUndefined(toTerraform());
  }
}
