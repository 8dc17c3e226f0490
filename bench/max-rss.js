// Preloaded into the benchmarked app (node --import) when /usr/bin/time is missing:
// writes the process's peak resident set size (KiB) to SEI_BENCH_RSS_FILE on exit.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.SEI_BENCH_RSS_FILE) writeFileSync(process.env.SEI_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
