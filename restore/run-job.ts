/**
 * Runs one Job of a restore to its end: any earlier Job of the name is deleted,
 * the manifest applied, and its state polled; each new line of its log is
 * passed on while it runs, so a Job of hours shows its progress.
 */
import type { Kubectl } from "./kubectl.ts";

export type JobOutcome = "Complete" | "Failed" | "Timeout";

export interface JobRun {
  readonly outcome: JobOutcome;
  /** The Job's whole log ("" when there is none). */
  readonly log: string;
}

export interface JobRunOptions {
  readonly timeoutMs: number;
  /** Each new log line, as it appears. */
  readonly onLine: (line: string) => void;
  /** Called at each poll with the milliseconds since the Job was applied. @default none */
  readonly onPoll?: (elapsedMs: number) => void;
  /** Milliseconds between polls. @default 2000 */
  readonly pollMs?: number;
}

export async function runJob(
  kubectl: Kubectl,
  namespace: string,
  manifest: Record<string, unknown>,
  { timeoutMs, onLine, onPoll, pollMs = 2000 }: JobRunOptions,
): Promise<JobRun> {
  const name = (manifest.metadata as { name: string }).name;
  const ns = ["--namespace", namespace];
  await kubectl([...ns, "delete", "job", name, "--ignore-not-found", "--wait=true"]);
  await kubectl(["apply", "-f", "-"], JSON.stringify(manifest));
  let shown = 0;
  const follow = async () => {
    // Before its pod starts a Job has no log; that is not an error.
    const log = await kubectl([...ns, "logs", `job/${name}`]).catch(() => "");
    const lines = log.split("\n").slice(0, -1);
    for (const line of lines.slice(shown)) onLine(line);
    shown = Math.max(shown, lines.length);
    return log;
  };
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    onPoll?.(Date.now() - started);
    const conditions = JSON.parse(
      (await kubectl([...ns, "get", "job", name, "-o", "jsonpath={.status.conditions}"])) || "[]",
    ) as { type: string; status: string }[];
    const done = conditions.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
    const log = await follow();
    if (done) return { outcome: done.type as JobOutcome, log };
    if (Date.now() >= deadline) return { outcome: "Timeout", log };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
