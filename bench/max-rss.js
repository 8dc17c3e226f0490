// Preloaded into the benchmarked app (node --import) when /usr/bin/time is missing: writes the
// process's peak resident set size (KiB) and CPU time (µs) as JSON to SEI_BENCH_RSS_FILE on exit.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (!process.env.SEI_BENCH_RSS_FILE) return;
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  writeFileSync(process.env.SEI_BENCH_RSS_FILE, JSON.stringify({ maxRSS, userCPUTime, systemCPUTime }));
});
