/**
 * `--to` times and the choice of restic snapshots for a point-in-time restore (restore/restic-points.ts).
 * test/backup/offsite.test.ts chooses from a real store's snapshots and restores what it chose.
 */
import { describe, expect, it } from "vitest";
import { choosePointInTime, parseResticSnapshots, parseRestoreTime } from "../../restore/restic-points.ts";

const NOW = new Date("2026-12-07T13:30:00Z");

describe("--to", () => {
  it("takes a time with its offset, to the second", () => {
    expect(parseRestoreTime("2026-12-07T10:15:00-03:00", NOW)).toEqual(new Date("2026-12-07T13:15:00Z"));
    expect(parseRestoreTime("2026-12-07T13:15:00Z", NOW)).toEqual(new Date("2026-12-07T13:15:00Z"));
  });

  it.each([
    ["2026-12-07 10:15:00", /is not a time with its offset, to the second/],
    ["2026-12-07T10:15-03:00", /is not a time with its offset/],
    ["2026-12-07T10:15:00", /is not a time with its offset/],
    ["2026-12-07T10:15:00.5-03:00", /is not a time with its offset/],
    ["yesterday", /is not a time with its offset/],
    ["2026-13-01T10:15:00-03:00", /there is no month 13/],
    ["2026-02-30T10:15:00-03:00", /2026-02 has no day 30/],
    ["2026-12-07T24:00:00-03:00", /the time of day is not one/],
    ["2026-12-07T10:15:00-15:00", /-15:00 is not a time-zone offset/],
    ["2026-12-07T10:31:00-03:00", /is in the future \(now is 2026-12-07T13:30:00.000Z\)/],
    ["2026-12-07T10:15:00-03:00\u001b[2J", /is not a time with its offset/],
  ])("refuses %j", (text, problem) => {
    expect(parseRestoreTime(text, NOW)).toMatch(problem);
  });
});

const snapshot = (id: string, time: string, tags: string[], paths = ["/databases.sql"]) => ({
  id: id.repeat(64),
  time,
  hostname: "tiradentes",
  paths,
  tags: ["municipality=tiradentes", ...tags],
  username: "mysql",
});

describe("the snapshots of a point in time", () => {
  const json = JSON.stringify([
    snapshot("a", "2026-12-06T03:00:01.123456789-03:00", ["kind=databases", "binlog=mysql-bin.000001:400"]),
    snapshot("b", "2026-12-06T03:00:09.5-03:00", ["kind=documents"], ["/documents"]),
    snapshot("c", "2026-12-07T03:00:01Z", ["kind=databases", "binlog=mysql-bin.000004:900"]),
    snapshot("d", "2026-12-07T13:15:01Z", ["kind=binlog"], ["/binlogs"]),
    snapshot("e", "2026-12-07T13:16:00Z", ["kind=binlog"], ["/binlogs"]),
    { ...snapshot("f", "2026-12-07T13:17:00Z", ["kind=databases", "binlog=x.000001:1"]), hostname: "other" },
  ]);
  const snapshots = parseResticSnapshots(json, "tiradentes");

  it("is the newest dump before it, a binlog snapshot shipped after it and the newest documents before it", () => {
    expect(snapshots.map((s) => s.id[0])).toEqual(["a", "b", "c", "d", "e"]);
    const choice = choosePointInTime(snapshots, new Date("2026-12-07T13:15:00Z"));
    expect(choice).toEqual({
      point: expect.objectContaining({
        env: {
          DUMP_SNAPSHOT: "c".repeat(64),
          BINLOG_POSITION: "mysql-bin.000004:900",
          // d began only 1 s after the time: a commit of the second before might not be in it yet.
          BINLOG_SNAPSHOT: "e".repeat(64),
          STOP_DATETIME: "2026-12-07 13:15:00",
          DOCUMENTS_SNAPSHOT: "b".repeat(64),
          DOCUMENTS_PATH: "/documents",
        },
      }),
    });
  });

  it("names the oldest dump for a time before it, and the last shipping for a time after it", () => {
    expect(choosePointInTime(snapshots, new Date("2026-12-06T06:00:00Z"))).toEqual({
      problem: "no database backup before 2026-12-06T06:00:00.000Z; the oldest is of 2026-12-06T06:00:01.123Z",
    });
    expect(choosePointInTime(snapshots, new Date("2026-12-07T13:15:59Z"))).toEqual({
      problem: "the binlogs were shipped last at 2026-12-07T13:16:00.000Z: choose a time at least 2 s before it",
    });
  });

  it("refuses what restic would never print", () => {
    expect(() => parseResticSnapshots('[{"id":"../etc","time":"x","hostname":"t","paths":[]}]', "t")).toThrow(/id/);
    expect(() => parseResticSnapshots(JSON.stringify([snapshot("a", "not a time", [])]), "tiradentes")).toThrow(
      /snapshot aaaaaaaa has no readable time "not a time"/,
    );
  });
});
