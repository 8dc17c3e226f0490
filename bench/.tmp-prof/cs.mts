import { benchChangedSince } from "../changed-since-plan.ts";
const f = await benchChangedSince({ size: 750, runs: 2, cluster: false });
for (const r of f.runs) console.log(r.seconds.toFixed(1), "s wall", r.cpuSeconds.toFixed(2), "CPU synth", r.synthSeconds, r.load, JSON.stringify(r.report.stacks[0]?.timings), r.report.stacks[0]?.status);
console.log(f.runs[1]!.output);
