/**
 * Restore points in a municipality's restic repository on the backup store (issue 19), read from
 * `restic snapshots --json`: the nightly database dumps (kind=databases, tagged with the binlog
 * position they start from), the document snapshots (kind=documents) and the shipped binlogs
 * (kind=binlog, every minute), as images/database/offsite writes them. A point in time is the
 * newest dump before it, replayed with the binlogs from a binlog snapshot taken after it, and the
 * newest documents before it (images/database/offsite/point-in-time-set.sh builds the set).
 */
import { z } from "zod";

const snapshotSchema = z.looseObject({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.string(),
  hostname: z.string(),
  paths: z.array(z.string()).min(1),
  tags: z.array(z.string()).optional(),
});
export const resticSnapshotsSchema = z.array(snapshotSchema);

export interface ResticSnapshot {
  readonly id: string;
  readonly time: Date;
  readonly paths: readonly string[];
  readonly kind: string;
  /** The tag binlog=<file>:<position> of a database dump. */
  readonly binlog?: string;
}

/** `restic snapshots --json` of one municipality, each with its kind; throws with what does not parse. */
export function parseResticSnapshots(json: string, municipality: string): ResticSnapshot[] {
  const parsed = resticSnapshotsSchema.parse(JSON.parse(json));
  return parsed
    .filter((s) => s.hostname === municipality)
    .map((s) => {
      const tag = (name: string) => s.tags?.find((t) => t.startsWith(`${name}=`))?.slice(name.length + 1);
      // restic writes nanoseconds; Date keeps milliseconds.
      const time = new Date(s.time.replace(/(\.\d{3})\d+/, "$1"));
      if (Number.isNaN(time.getTime()))
        throw new Error(`snapshot ${s.id.slice(0, 8)} has no readable time "${s.time}"`);
      // What point-in-time-set.sh accepts; a dump with any other tag is no starting point.
      const binlog = tag("binlog")?.match(/^[A-Za-z0-9._-]+\.\d{6}:\d+$/)?.[0];
      return { id: s.id, time, paths: s.paths, kind: tag("kind") ?? "", ...(binlog ? { binlog } : {}) };
    })
    .sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** A binlog snapshot must have started this long after the time, so the commits of the second before it are in. */
const SHIPPING_MARGIN_MS = 2000;

export interface PointInTime {
  readonly dump: ResticSnapshot & { readonly binlog: string };
  readonly binlogs: ResticSnapshot;
  readonly documents: ResticSnapshot | undefined;
  /** The environment of point-in-time-set.sh for these snapshots. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The snapshots that restore the instance as it was at `at` (transactions from its second on left out),
 * or the reason there are none, in plain language.
 */
export function choosePointInTime(
  snapshots: readonly ResticSnapshot[],
  at: Date,
): { readonly point: PointInTime } | { readonly problem: string } {
  const before = (kind: string) => snapshots.filter((s) => s.kind === kind && s.time < at);
  const dumps = before("databases").filter((s) => s.binlog !== undefined);
  const dump = dumps.at(-1);
  if (!dump) {
    const oldest = snapshots.find((s) => s.kind === "databases");
    return {
      problem: `no database backup before ${at.toISOString()}${oldest ? `; the oldest is of ${oldest.time.toISOString()}` : ": the store holds none"}`,
    };
  }
  const binlogs = snapshots.find((s) => s.kind === "binlog" && s.time.getTime() >= at.getTime() + SHIPPING_MARGIN_MS);
  if (!binlogs) {
    const newest = snapshots.filter((s) => s.kind === "binlog").at(-1);
    return {
      problem: `the binlogs were shipped last ${newest ? `at ${newest.time.toISOString()}` : "never"}: choose a time at least ${SHIPPING_MARGIN_MS / 1000} s before it`,
    };
  }
  const documents = before("documents").at(-1);
  return {
    point: {
      dump: { ...dump, binlog: dump.binlog! },
      binlogs,
      documents,
      env: {
        DUMP_SNAPSHOT: dump.id,
        BINLOG_POSITION: dump.binlog!,
        BINLOG_SNAPSHOT: binlogs.id,
        STOP_DATETIME: at.toISOString().slice(0, 19).replace("T", " "),
        DOCUMENTS_SNAPSHOT: documents?.id ?? "",
        DOCUMENTS_PATH: documents?.paths[0] ?? "",
      },
    },
  };
}

/** A time to the second as `--to` takes it, in UTC: 2026-12-07T13:15:00Z. */
export function restoreTimeText(at: Date): string {
  return at.toISOString().slice(0, 19) + "Z";
}

/**
 * The times `choosePointInTime` can restore, to the whole second: from just after the oldest dump
 * with a binlog position to the newest binlog snapshot less the shipping margin; undefined when
 * there is no such time.
 */
export function restoreRange(
  snapshots: readonly ResticSnapshot[],
): { readonly from: Date; readonly to: Date } | undefined {
  const dump = snapshots.find((s) => s.kind === "databases" && s.binlog !== undefined);
  const binlogs = snapshots.filter((s) => s.kind === "binlog").at(-1);
  if (!dump || !binlogs) return undefined;
  const second = 1000;
  const from = new Date((Math.floor(dump.time.getTime() / second) + 1) * second);
  const to = new Date(Math.floor((binlogs.time.getTime() - SHIPPING_MARGIN_MS) / second) * second);
  return to < from ? undefined : { from, to };
}

/** "any time from … to …" of the store, or why there is none, for --list and a refusal. */
export function describeRange(snapshots: readonly ResticSnapshot[]): string {
  const range = restoreRange(snapshots);
  if (range) return `any time from ${restoreTimeText(range.from)} to ${restoreTimeText(range.to)}`;
  const dumps = snapshots.some((s) => s.kind === "databases" && s.binlog !== undefined);
  const binlogs = snapshots.some((s) => s.kind === "binlog");
  return `no time yet: ${!dumps ? "no nightly database backup" : !binlogs ? "no binlogs shipped" : "no binlogs shipped since the first nightly backup"}`;
}

const RESTORE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})$/;

/**
 * `--to`: a time with its offset to the second (2026-12-07T10:15:00-03:00), a real one, not in the
 * future. Returns the instant, or the reason it is refused.
 */
export function parseRestoreTime(text: string, now: Date = new Date()): Date | string {
  const match = RESTORE_TIME.exec(text);
  if (!match)
    return `"${text}" is not a time with its offset, to the second, as 2026-12-07T10:15:00-03:00 (or ...Z for UTC)`;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, ...number[]];
  const offset = match[7]!;
  const two = (n: number) => String(n).padStart(2, "0");
  if (month! < 1 || month! > 12) return `"${text}": there is no month ${two(month!)}`;
  const days = new Date(Date.UTC(year, month!, 0)).getUTCDate();
  if (day! < 1 || day! > days) return `"${text}": ${year}-${two(month!)} has no day ${two(day!)}`;
  if (hour! > 23 || minute! > 59 || second! > 59) return `"${text}": the time of day is not one`;
  if (offset !== "Z" && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4)) > 59))
    return `"${text}": ${offset} is not a time-zone offset`;
  const at = new Date(text);
  if (at.getTime() > now.getTime()) return `"${text}" is in the future (now is ${now.toISOString()})`;
  return at;
}
