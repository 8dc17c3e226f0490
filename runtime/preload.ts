/**
 * Speed trick: no source maps in synthesis. Imported first by the app and its
 * worker threads, before cdktf and the providers load: tsx turns on Node's
 * source-map support, and then every stack trace (cdktf captures one for
 * every token it creates) is mapped frame by frame through the source maps
 * inlined in cdktf and the providers, and each CommonJS file's map is parsed
 * as it loads. Synthesis errors are reported by message, so the app runs
 * without source-mapped stacks. `SEI_SYNTH_STACK_TRACES=1` keeps them, for
 * debugging cdktf.
 *
 * Relies on: tsx enabling source maps through process.setSourceMapsEnabled,
 * which this turns off again (Node >= 16.6).
 * Proved unchanged by: test/synth/app.test.ts (the real app, whose stacks the
 * synthesis tests compare with the constructs' own).
 */
import { keepStackTraces } from "./stack-traces.ts";

if (!keepStackTraces) process.setSourceMapsEnabled(false);
