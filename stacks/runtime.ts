/**
 * Stack traces cost most of a synthesis: cdktf captures a full one
 * (`Error.stackTraceLimit` raised to infinity) for every token it creates,
 * tens per resource, about a million for the fleet: half the CPU time and
 * most of the memory. Synthesis errors are reported by message, so the app
 * builds and synthesizes stacks with traces off (see also stacks/preload.ts).
 * `SEI_SYNTH_STACK_TRACES=1` keeps them, for debugging cdktf.
 */
export const keepStackTraces = process.env.SEI_SYNTH_STACK_TRACES === "1";

/** Runs `fn` with `Error.stackTraceLimit` pinned to 0; restores it afterwards. */
export function withoutStackTraces<T>(fn: () => T): T {
  if (keepStackTraces) return fn();
  const original = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit");
  // A getter that ignores writes: cdktf sets the limit to infinity around each capture.
  Object.defineProperty(Error, "stackTraceLimit", { configurable: true, get: () => 0, set: () => {} });
  try {
    return fn();
  } finally {
    if (original) Object.defineProperty(Error, "stackTraceLimit", original);
  }
}
