/**
 * Speed trick: synthesis without stack traces. cdktf captures a full stack
 * trace (`Error.stackTraceLimit` raised to infinity) for every token it
 * creates, tens per resource, about a million for the fleet: a large share of
 * the CPU time and most of the memory (BENCHMARKS.md). Synthesis errors are
 * reported by message, so the app builds and synthesizes stacks with traces
 * off (see also runtime/preload.ts). `SEI_SYNTH_STACK_TRACES=1` keeps them,
 * for debugging cdktf.
 *
 * Relies on: cdktf 0.21 writing `Error.stackTraceLimit` around each capture
 * and using the trace only for its own error messages, never in the output.
 * Proved unchanged by: test/synth/synthesis.test.ts ("synthesizes without
 * stack traces exactly what cdktf writes with them").
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
