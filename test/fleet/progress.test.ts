import { describe, expect, it } from "vitest";
import { createProgress, duration, stackLine } from "../../fleet/progress.ts";
import { stack, stackReport } from "./support.ts";

const wave = { name: "canary", stacks: [stack("a"), stack("b")] };

function recorder(live: boolean) {
  let now = 0;
  let text = "";
  const progress = createProgress({ total: 4, concurrency: 2, live, write: (t) => void (text += t), now: () => now });
  return { progress, text: () => text, advance: (ms: number) => void (now += ms) };
}

describe("progress", () => {
  it("in CI: plain lines, one per event, nothing redrawn", () => {
    const r = recorder(false);
    r.progress.wave(wave, 0, 2);
    r.progress.start(stack("a"));
    r.advance(12_300);
    r.progress.done(stackReport(stack("a"), "applied", { add: 3, change: 1, durationMs: 12_300 }));
    r.progress.finish();
    expect(r.text()).toBe("wave 1/2 (canary): 2 stack(s)\nsei-a: started\n[1/4] sei-a  applied  +3 ~1 -0  12.3 s\n");
  });

  it("on a terminal: a live line (done/total, running, failed, wave, ETA) redrawn under the finished stacks", () => {
    const r = recorder(true);
    r.progress.wave(wave, 0, 2);
    r.progress.start(stack("a"));
    r.progress.start(stack("b"));
    r.advance(20_000);
    r.progress.done(stackReport(stack("a"), "failed", { error: "apply: boom", durationMs: 20_000 }));
    const last = r.text().split("\n").at(-1)!;
    expect(last).toBe("1/4 done · 1 running · 1 failed · wave 1/2 (canary) · 20.0 s · ETA 1m00s");
    expect(r.text()).toContain("[1/4] sei-a  failed  +0 ~0 -0  20.0 s  apply: boom  (log: logs/sei-a.log)\n");
    r.progress.finish();
    expect(r.text().endsWith("\r\x1b[2K")).toBe(true);
  });

  it("stack lines and durations", () => {
    expect(
      stackLine(
        stackReport(stack("x"), "drifted", {
          change: 1,
          drifted: ["kubernetes_namespace_v1.Tenancy_A"],
          durationMs: 900,
        }),
      ),
    ).toBe("sei-x  drifted  +0 ~1 -0  0.9 s  drifted: kubernetes_namespace_v1.Tenancy_A  (log: logs/sei-x.log)");
    expect(stackLine(stackReport(stack("y"), "skipped", { durationMs: 0, error: "held", log: null }))).toBe(
      "sei-y  skipped  held",
    );
    expect([duration(950), duration(75_000), duration(3_725_000)]).toEqual(["0.9 s", "1m15s", "1h02m"]);
  });
});
