/**
 * The one check of a path a command reads or writes besides the input files
 * (those go through sources/working-tree.ts): reports and their folders, saved
 * plans, stack logs, the chart's files, the files a command writes. By lstat,
 * so a link is never followed, whatever it points to; a symbolic link, a FIFO,
 * a socket or a device is refused before anything is read or written through
 * it, in one wording that names the path.
 */
import { lstatSync, type Stats } from "node:fs";
import { printable } from "../core/printable.ts";
import { UsageError } from "./exit.ts";

/** What a command may find at a path: a regular file or a real folder. */
export type PlainKind = "file" | "folder";

/**
 * What is at `path`, undefined when nothing is. Anything but a regular file or
 * a folder (or, with `want`, anything but that) is refused with a UsageError
 * naming `label` (the path as the user knows it, an option before it if need be).
 */
export function plainKind(path: string, label: string, want?: PlainKind): PlainKind | undefined {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat && plainKindOf(stat, label, want);
}

/** The same check of a Stats already taken (fstat of an opened file, which no one can swap). */
export function plainKindOf(stat: Stats, label: string, want?: PlainKind): PlainKind {
  const kind = stat.isFile() ? "file" : stat.isDirectory() ? "folder" : undefined;
  if (kind !== undefined && (want === undefined || kind === want)) return kind;
  throw new UsageError(`${printable(label)}: ${refusal(stat, want)}`);
}

function refusal(stat: Stats, want: PlainKind | undefined): string {
  if (stat.isSymbolicLink()) return "is a symbolic link; links are not followed";
  const wanted = want === "folder" ? "a folder" : "a regular file";
  if (stat.isFile() || stat.isDirectory()) return `is not ${wanted}`;
  const kind = stat.isFIFO() ? "a FIFO (named pipe)" : stat.isSocket() ? "a socket" : "a device";
  return `is ${kind}, not ${wanted}`;
}
