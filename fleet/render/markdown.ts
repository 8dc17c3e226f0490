/**
 * The report as markdown for a pull request or a CI job summary: the counts,
 * then the stacks that need attention (failed, refused, drifted, skipped) with
 * their reason and log, then every stack in a collapsed table.
 */
import { engineLabel } from "../engine.ts";
import { duration } from "../progress.ts";
import { BAD_STATUSES, STATUSES, type FleetReport, type StackReport } from "../report.ts";

export function renderMarkdown(report: FleetReport): string {
  const counts = STATUSES.filter((s) => report.summary[s] > 0).map((s) => `${report.summary[s]} ${s}`);
  const elapsed = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const waves =
    report.waves.length > 1 || report.command === "apply"
      ? ` in ${report.waves.length} wave(s) (${report.waves.map((w) => w.name).join(", ")})`
      : "";
  const budget = report.maxFailures === null ? "" : ` · max failures ${report.maxFailures}`;
  const lines = [
    `## SEI fleet ${report.command}: ${counts.join(", ") || "no stacks"}`,
    "",
    `${engineLabel(report.engine)} · ${report.stacks.length} stack(s)${waves} · concurrency ${report.concurrency}${budget} · ${report.startedAt} → ${report.finishedAt} (${duration(elapsed)})`,
    "",
  ];
  // Plan and drift have no waves: no column for them.
  const waved = report.stacks.some((s) => s.wave !== null);
  const wave = (s: StackReport) => (waved ? [s.wave ?? ""] : []);
  const attention = report.stacks.filter((s) => BAD_STATUSES.includes(s.status) && s.status !== "skipped");
  if (attention.length > 0) {
    lines.push(
      "### Needs attention",
      "",
      header(["Stack", "Tier", "Cluster", ...(waved ? ["Wave"] : []), "Status", "Detail", "Log"], 0),
    );
    for (const s of attention) {
      lines.push(row([s.name, s.tier, s.cluster, ...wave(s), s.status, detail(s), s.log ? `\`${s.log}\`` : ""]));
    }
    lines.push("");
  }
  // Skipped stacks share their reason (a held wave, an interruption): one line per reason.
  const skipped = new Map<string, string[]>();
  for (const s of report.stacks.filter((x) => x.status === "skipped"))
    skipped.set(s.error ?? "skipped", [...(skipped.get(s.error ?? "skipped") ?? []), s.name]);
  for (const [reason, names] of skipped)
    lines.push(`**Skipped** (${names.length}): ${reason} — ${names.join(", ")}`, "");
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
  if (s.status === "drifted") return `changed outside Terraform: ${s.drifted.map((a) => `\`${a}\``).join(", ")}`;
  return s.error ?? "";
}

/** A header row and its alignment row; the last `numeric` columns are right-aligned. */
function header(titles: readonly string[], numeric: number): string {
  const align = titles.map((_, i) => (i >= titles.length - numeric ? "---:" : ":---"));
  return `${row(titles)}\n| ${align.join(" | ")} |`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")).join(" | ")} |`;
}
