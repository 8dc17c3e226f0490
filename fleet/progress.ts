/**
 * What a person watching sees. On a terminal: one line per finished stack and
 * a live line under them (done/total, running, failed, wave, ETA), redrawn
 * every second. In CI (not a terminal, or CI set): the same per-stack lines,
 * plain, one per event, nothing redrawn.
 */
import { printable } from "../core/printable.ts";
import type { StackReport } from "./report.ts";
import type { FleetStack } from "./selection.ts";
import type { Wave } from "./waves.ts";

export interface Progress {
  wave(wave: Wave, index: number, count: number): void;
  start(stack: FleetStack): void;
  done(report: StackReport): void;
  /** Removes the live line; call once at the end. */
  finish(): void;
}

export interface ProgressOptions {
  readonly total: number;
  readonly concurrency: number;
  /** Draw a live line (a terminal) or print plain lines (CI, a file). */
  readonly live: boolean;
  readonly write: (text: string) => void;
  readonly now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  let finished = 0;
  let failed = 0;
  let waveLabel = "";
  const running = new Set<string>();
  let drawn = false;

  const status = () => {
    const elapsed = now() - started;
    const eta =
      finished > 0 && finished < options.total
        ? ` · ETA ${duration(((options.total - finished) * elapsed) / finished)}`
        : "";
    return `${finished}/${options.total} done · ${running.size} running · ${failed} failed${waveLabel} · ${duration(elapsed)}${eta}`;
  };
  const clear = () => {
    if (drawn) options.write("\r\x1b[2K");
    drawn = false;
  };
  const draw = () => {
    if (!options.live) return;
    clear();
    options.write(status());
    drawn = true;
  };
  const timer = options.live ? setInterval(draw, 1000) : undefined;
  timer?.unref();
  const line = (text: string) => {
    clear();
    options.write(`${text}\n`);
    draw();
  };

  return {
    wave(wave, index, count) {
      waveLabel = count > 1 ? ` · wave ${index + 1}/${count} (${wave.name})` : "";
      if (count > 1) line(`wave ${index + 1}/${count} (${wave.name}): ${wave.stacks.length} stack(s)`);
    },
    start(stack) {
      running.add(stack.name);
      if (!options.live) line(`${stack.name}: started`);
      else draw();
    },
    done(report) {
      running.delete(report.name);
      finished++;
      if (report.status === "failed" || report.status === "refused") failed++;
      line(`[${finished}/${options.total}] ${stackLine(report)}`);
    },
    finish() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}

/** `sei-x  applied  +3 ~1 -0  12.3 s`, with the error and log of a stack that needs attention. */
export function stackLine(report: StackReport): string {
  const counts = report.status === "skipped" ? "" : `  +${report.add} ~${report.change} -${report.destroy}`;
  const time = report.durationMs > 0 ? `  ${duration(report.durationMs)}` : "";
  const drifted = report.drifted.length > 0 ? `  drifted: ${report.drifted.join(", ")}` : "";
  const error = report.error ? `  ${report.error}` : "";
  const log =
    report.log && report.status !== "skipped" && ["failed", "refused", "drifted"].includes(report.status)
      ? `  (log: ${report.log})`
      : "";
  // Reports merged from CI artifacts are anyone's text: escaped before it reaches a terminal.
  return printable(`${report.name}  ${report.status}${counts}${time}${drifted}${error}${log}`);
}

/** 950 ms → "0.9 s", 75 s → "1m15s", 3725 s → "1h02m". */
export function duration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}
