/**
 * The report as markdown for a pull request or a CI job summary: the counts,
 * then the stacks that need attention (failed, refused, drifted, skipped) with
 * their reason and log, then every stack in a collapsed table.
 *
 * A merged report comes from CI artifacts, which anyone who can push a branch
 * shapes: its free text (errors, addresses, log paths, wave names, the engine)
 * is escaped (core/printable.ts, then markdown and HTML), so it can show no
 * image, link, HTML or formatting of its own. Names, tiers, clusters and
 * statuses are checked by the report's schema.
 */
import { printable } from "../../core/printable.ts";
import { engineLabel } from "../engine.ts";
import { duration } from "../progress.ts";
import { BAD_STATUSES, STATUSES, type FleetReport, type StackReport } from "../report.ts";

export function renderMarkdown(report: FleetReport): string {
  const counts = STATUSES.filter((s) => report.summary[s] > 0).map((s) => `${report.summary[s]} ${s}`);
  const elapsed = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const waves =
    report.waves.length > 1 || report.command === "apply"
      ? ` in ${report.waves.length} wave(s) (${report.waves.map((w) => text(w.name)).join(", ")})`
      : "";
  const budget = report.maxFailures === null ? "" : ` · max failures ${text(report.maxFailures)}`;
  const lines = [
    `## SEI fleet ${report.command}: ${counts.join(", ") || "no stacks"}`,
    "",
    `${text(engineLabel(report.engine))} · ${report.stacks.length} stack(s)${waves} · concurrency ${report.concurrency}${budget} · ${report.startedAt} → ${report.finishedAt} (${duration(elapsed)})`,
    "",
  ];
  // Plan and drift have no waves: no column for them.
  const waved = report.stacks.some((s) => s.wave !== null);
  const wave = (s: StackReport) => (waved ? [text(s.wave ?? "")] : []);
  const attention = report.stacks.filter((s) => BAD_STATUSES.includes(s.status) && s.status !== "skipped");
  if (attention.length > 0) {
    lines.push(
      "### Needs attention",
      "",
      header(["Stack", "Tier", "Cluster", ...(waved ? ["Wave"] : []), "Status", "Detail", "Log"], 0),
    );
    for (const s of attention) {
      lines.push(row([s.name, s.tier, s.cluster, ...wave(s), s.status, detail(s), s.log ? code(s.log) : ""]));
    }
    lines.push("");
  }
  // Skipped stacks share their reason (a held wave, an interruption): one line per reason.
  const skipped = new Map<string, string[]>();
  for (const s of report.stacks.filter((x) => x.status === "skipped"))
    skipped.set(s.error ?? "skipped", [...(skipped.get(s.error ?? "skipped") ?? []), s.name]);
  for (const [reason, names] of skipped)
    lines.push(`**Skipped** (${names.length}): ${text(reason)} — ${names.join(", ")}`, "");
  lines.push(
    `<details><summary>All ${report.stacks.length} stack(s)</summary>`,
    "",
    header(
      [
        "Stack",
        "Municipality",
        "Tier",
        "Cluster",
        ...(waved ? ["Wave"] : []),
        "Status",
        "Add",
        "Change",
        "Destroy",
        "Time",
      ],
      4,
    ),
    ...report.stacks.map((s) =>
      row([
        s.name,
        s.municipality,
        s.tier,
        s.cluster,
        ...wave(s),
        s.status,
        String(s.add),
        String(s.change),
        String(s.destroy),
        duration(s.durationMs),
      ]),
    ),
    "",
    "</details>",
    "",
  );
  return lines.join("\n");
}

function detail(s: StackReport): string {
  if (s.status === "drifted") return `changed outside Terraform: ${s.drifted.map(code).join(", ")}`;
  return text(s.error ?? "");
}

/** A header row and its alignment row; the last `numeric` columns are right-aligned. */
function header(titles: readonly string[], numeric: number): string {
  const align = titles.map((_, i) => (i >= titles.length - numeric ? "---:" : ":---"));
  return `${row(titles)}\n| ${align.join(" | ")} |`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")).join(" | ")} |`;
}

/** Free text as markdown that shows exactly that text: escapes, then markdown punctuation and HTML. */
function text(value: string): string {
  return printable(value)
    .replace(/[\\`*_[\]~!#]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A code span, which shows its text as it is; text with a backtick, which would end it, is escaped instead. */
function code(value: string): string {
  const safe = printable(value);
  return safe.includes("`") ? text(value) : `\`${safe}\``;
}
