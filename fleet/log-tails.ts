/**
 * The end of each stack log a JUnit file quotes. A report names its log, and a
 * merged report comes from CI artifacts that anyone who can push a branch
 * shapes (`"log": "/proc/self/environ"`, a FIFO, a link to a secret): so a log
 * is read only under the logs folder of the run (the work folder, or --logs),
 * only as a regular file reached through no link leading out of that folder and
 * not itself a link, and only its last TAIL_BYTES. A log that is refused gets a
 * one-line note in place of its text, never its content.
 */
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { printable } from "../core/printable.ts";
import { RefusedPath } from "../core/source.ts";
import { isInside, readRegularFileTail, realFolderInside } from "../sources/working-tree.ts";
import { BAD_STATUSES, type FleetReport } from "./report.ts";

/** Lines of a log a JUnit failure quotes. */
export const TAIL_LINES = 60;
/** Bytes read from the end of a log: 60 lines of an engine error are a few KiB. */
export const TAIL_BYTES = 64 * 1024;

/**
 * The last lines of the logs of the stacks that need attention, by stack name; `logRoot` is absolute.
 *
 * A report names its log relative to where its job ran, which is not always
 * where the merge runs: GitHub's download-artifact puts the logs below its
 * own folder, and the k8s merge Job works in the reports claim. So a log that
 * is not where its report says is looked for where every emitted pipeline's
 * `--logs` writes it, `<logRoot>/<stack>.log` (the stack name is a DNS label,
 * checked with the report), under the same rules.
 */
export function logTails(report: FleetReport, cwd: string, logRoot: string): Map<string, string> {
  const tails = new Map<string, string>();
  for (const stack of report.stacks) {
    if (!stack.log || !BAD_STATUSES.includes(stack.status)) continue;
    const named = resolve(cwd, stack.log);
    const byName = join(logRoot, `${stack.name}.log`);
    const tail = logTail(named, logRoot, printable(stack.log));
    const found =
      named !== byName && (tail === undefined || !isInside(logRoot, named))
        ? (logTail(byName, logRoot, printable(relative(cwd, byName))) ?? tail)
        : tail;
    if (found !== undefined) tails.set(stack.name, found);
  }
  return tails;
}

/** Undefined when the log is not there (a merged report's logs may stay with the jobs that wrote them). */
function logTail(path: string, logRoot: string, name: string): string | undefined {
  if (path === logRoot || !isInside(logRoot, path))
    return `(log not quoted: ${name} is not under the logs folder ${printable(logRoot)})`;
  try {
    const folder = realFolderInside(logRoot, dirname(path));
    if (folder === undefined) return undefined;
    const bytes = readRegularFileTail(`${folder}${sep}${basename(path)}`, TAIL_BYTES);
    return bytes?.toString("utf8").split("\n").slice(-TAIL_LINES).join("\n");
  } catch (error) {
    if (!(error instanceof RefusedPath)) throw error;
    return `(log not quoted: ${name}: ${error.message})`;
  }
}
