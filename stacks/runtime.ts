/**
 * Two Node-level settings that make synthesizing 853 stacks take seconds,
 * not minutes. Both only affect stack traces; synthesis errors are reported
 * by message.
 *
 * - tsx turns on Node's source-map support; every stack trace is then mapped
 *   frame by frame through the source maps inlined in cdktf and the
 *   providers. Imported first by the app, this module turns it off again.
 * - cdktf captures a full stack trace (`Error.stackTraceLimit` raised to
 *   infinity) for every token it creates: tens per resource, about a million
 *   for the fleet, half the CPU time and most of the memory of a synthesis.
 *   `withoutStackTraces` pins the limit to 0 while stacks are built and
 *   synthesized. `SEI_SYNTH_STACK_TRACES=1` keeps both, for debugging cdktf.
 */
const keepTraces = process.env.SEI_SYNTH_STACK_TRACES === "1";

if (!keepTraces) process.setSourceMapsEnabled(false);

/** Runs `fn` with stack traces off (see above); restores them afterwards. */
export function withoutStackTraces<T>(fn: () => T): T {
  if (keepTraces) return fn();
  const original = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit");
  // A getter that ignores writes: cdktf sets the limit to infinity around each capture.
  Object.defineProperty(Error, "stackTraceLimit", { configurable: true, get: () => 0, set: () => {} });
  try {
    return fn();
  } finally {
    if (original) Object.defineProperty(Error, "stackTraceLimit", original);
  }
}
