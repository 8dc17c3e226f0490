/**
 * The report as JUnit XML, which every CI engine shows as test results: one
 * test suite per wave (one for plan and drift), one test case per stack. A
 * failed, refused or drifted stack is a failure carrying its reason and the
 * end of its log; a skipped stack is skipped.
 *
 * Written by hand: the format is a dozen elements; the escaping is report/xml.ts.
 */
import { xmlAttr as attr, xmlText as text } from "../../report/xml.ts";
import { BAD_STATUSES, type FleetReport, type StackReport } from "../report.ts";

/** Log excerpts by stack name (the end of each log), for failures. */
export type LogTails = ReadonlyMap<string, string>;

export function renderJunit(report: FleetReport, tails: LogTails = new Map()): string {
  const groups = new Map<string, StackReport[]>();
  for (const stack of report.stacks) {
    const suite = stack.wave ?? report.command;
    groups.set(suite, [...(groups.get(suite) ?? []), stack]);
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="sei-infra fleet ${report.command}"${counts(report.stacks)} time="${seconds(sum(report.stacks))}">`,
  );
  for (const [name, stacks] of groups) {
    out.push(
      `  <testsuite name="${attr(name)}"${counts(stacks)} time="${seconds(sum(stacks))}" timestamp="${attr(report.startedAt)}">`,
    );
    for (const stack of stacks) out.push(...testcase(report, stack, tails.get(stack.name)));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

function testcase(report: FleetReport, s: StackReport, tail: string | undefined): string[] {
  const open = `    <testcase classname="sei-infra.fleet.${report.command}" name="${attr(s.name)}" time="${seconds(s.durationMs)}"`;
  const detail = [
    s.drifted.length > 0 ? `drifted: ${s.drifted.join(", ")}` : "",
    s.error ?? "",
    s.log ? `log: ${s.log}` : "",
  ].filter(Boolean);
  const props = `      <properties><property name="tier" value="${attr(s.tier)}"/><property name="cluster" value="${attr(s.cluster)}"/><property name="status" value="${attr(s.status)}"/></properties>`;
  if (s.status === "skipped")
    return [`${open}>`, props, `      <skipped message="${attr(s.error ?? "skipped")}"/>`, "    </testcase>"];
  if (!BAD_STATUSES.includes(s.status)) return [`${open}>`, props, "    </testcase>"];
  const message = s.status === "drifted" ? `drifted: ${s.drifted.join(", ")}` : (s.error ?? s.status);
  const body = [...detail, ...(tail ? ["", "--- end of the log ---", tail] : [])].join("\n");
  return [
    `${open}>`,
    props,
    `      <failure type="${s.status}" message="${attr(message)}">${text(body)}</failure>`,
    "    </testcase>",
  ];
}

function counts(stacks: readonly StackReport[]): string {
  const failures = stacks.filter((s) => BAD_STATUSES.includes(s.status) && s.status !== "skipped").length;
  const skipped = stacks.filter((s) => s.status === "skipped").length;
  return ` tests="${stacks.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
}

const sum = (stacks: readonly StackReport[]) => stacks.reduce((total, s) => total + s.durationMs, 0);
const seconds = (ms: number) => (ms / 1000).toFixed(3);
