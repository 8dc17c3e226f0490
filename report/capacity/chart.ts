/**
 * A picture of the fleet: requested CPU, memory and storage per tier, stacked
 * by tier, one bar per revision (base and head side by side in a diff). Hand-
 * written SVG with no external fonts, scripts or styles, so it opens anywhere
 * and can be attached to a pull request as it is. Hovering a segment shows its
 * exact figure (an SVG <title>).
 */
import { binaryUnit } from "../../core/quantity.ts";
import { TIER_IDS, type TierId } from "../../core/schema/municipality.ts";
import type { CapacityResult } from "../../core/capacity/analyse.ts";
import type { Amounts } from "../../core/capacity/clusters.ts";
import type { Figures } from "../../core/capacity/figures.ts";
import type { CapacityReport } from "../../core/capacity/capacity-report.ts";
import { printable } from "../../core/printable.ts";
import { count } from "./units.ts";

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
const TIER_COLOURS: Readonly<Record<TierId, string>> = {
  "pequeno-i": "#56B4E9",
  "pequeno-ii": "#009E73",
  medio: "#E69F00",
  grande: "#0072B2",
  metropole: "#CC79A7",
};

interface Panel {
  readonly title: string;
  readonly value: (f: Figures) => number;
  readonly allocatable: (a: Amounts) => number;
  readonly unit: (max: number) => { readonly name: string; readonly size: number };
}

const cpuUnit = () => ({ name: "cores", size: 1000 });

const PANELS: readonly Panel[] = [
  {
    title: "CPU requests",
    value: (f) => f.requests.atMaxReplicas.cpuMillicores,
    allocatable: (a) => a.cpuMillicores,
    unit: cpuUnit,
  },
  {
    title: "Memory requests",
    value: (f) => f.requests.atMaxReplicas.memoryBytes,
    allocatable: (a) => a.memoryBytes,
    unit: binaryUnit,
  },
  { title: "Storage", value: (f) => f.storageBytes.total, allocatable: (a) => a.storageBytes, unit: binaryUnit },
];

const WIDTH = 900;
const HEIGHT = 500;
const TOP = 112;
const BOTTOM = 416;
const PANEL_WIDTH = WIDTH / PANELS.length;
const AXIS = 56;
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\"";

interface Bar {
  readonly label: string;
  readonly report: CapacityReport;
}

export function renderChart(result: CapacityResult): string {
  const bars: Bar[] =
    result.mode === "report"
      ? [{ label: "fleet", report: result.report }]
      : [
          { label: "base", report: result.diff.base },
          { label: "head", report: result.diff.head },
        ];
  const subtitle =
    result.mode === "report"
      ? `${result.report.source}: ${count(result.report.totals.municipalities)} active municipalities`
      : `base ${result.diff.base.source} (${count(result.diff.base.totals.municipalities)} active) · head ${result.diff.head.source} (${count(result.diff.head.totals.municipalities)} active)`;
  const body = PANELS.map((panel, i) => drawPanel(panel, bars, i * PANEL_WIDTH)).join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} font-size="12" fill="#222">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" font-weight="600">SEI capacity: what the active fleet requests, per tier</text>`,
    `<text x="${WIDTH / 2}" y="48" text-anchor="middle" fill="#555">${xml(subtitle)}</text>`,
    `<text x="${WIDTH / 2}" y="66" text-anchor="middle" fill="#555">CPU and memory requests at maximum replicas (what the quotas reserve); dashed line: allocatable on all clusters</text>`,
    body,
    legend(),
    "</svg>",
    "",
  ].join("\n");
}

function drawPanel(panel: Panel, bars: readonly Bar[], x0: number): string {
  const totals = bars.map((b) => panel.value(b.report.totals.figures));
  const allocatable = Math.max(
    ...bars.map((b) => b.report.clusters.reduce((sum, c) => sum + panel.allocatable(c.allocatable), 0)),
  );
  // The allocatable line is drawn only when it fits the scale; far above the bars it would flatten them.
  const showAllocatable = allocatable > 0 && allocatable <= 2 * Math.max(...totals, 1);
  const unit = panel.unit(Math.max(...totals, showAllocatable ? allocatable : 0, 1));
  // A tenth more than the tallest bar leaves room for its label under the panel title.
  const top = niceCeiling((1.1 * Math.max(...totals, showAllocatable ? allocatable : 0)) / unit.size);
  const scale = (v: number) => ((v / unit.size) * (BOTTOM - TOP)) / top;
  const left = x0 + AXIS;
  const right = x0 + PANEL_WIDTH - 16;
  const out: string[] = [
    `<text x="${(left + right) / 2}" y="${TOP - 22}" text-anchor="middle" font-weight="600">${panel.title} (${unit.name})</text>`,
  ];
  for (const tick of ticks(top)) {
    const y = BOTTOM - (tick * (BOTTOM - TOP)) / top;
    out.push(
      `<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="${tick === 0 ? "#888" : "#e4e4e4"}"/>`,
      `<text x="${left - 6}" y="${y + 4}" text-anchor="end" fill="#555">${number(tick)}</text>`,
    );
  }
  const slot = (right - left) / bars.length;
  const barWidth = Math.min(64, slot * 0.6);
  bars.forEach((bar, i) => {
    const x = left + slot * i + (slot - barWidth) / 2;
    let y = BOTTOM;
    for (const tier of bar.report.tiers) {
      const h = scale(panel.value(tier.figures));
      if (h <= 0) continue;
      y -= h;
      const tip = `${bar.label}, ${tier.tier}: ${number(panel.value(tier.figures) / unit.size)} ${unit.name} (${count(tier.municipalities)} municipalities)`;
      out.push(
        `<rect x="${r(x)}" y="${r(y)}" width="${r(barWidth)}" height="${r(h)}" fill="${TIER_COLOURS[tier.tier]}"><title>${xml(tip)}</title></rect>`,
      );
    }
    // The head bar also says how much it moved from the base.
    const moved = i > 0 ? totals[i]! - totals[0]! : 0;
    const change = moved === 0 ? "" : ` (${moved > 0 ? "+" : "−"}${number(Math.abs(moved) / unit.size)})`;
    out.push(
      `<text x="${r(x + barWidth / 2)}" y="${r(y - 6)}" text-anchor="middle" font-weight="600">${number(totals[i]! / unit.size)}${change}</text>`,
      `<text x="${r(x + barWidth / 2)}" y="${BOTTOM + 18}" text-anchor="middle">${xml(bar.label)}</text>`,
    );
  });
  if (showAllocatable) {
    const y = BOTTOM - scale(allocatable);
    out.push(
      `<line x1="${left}" x2="${right}" y1="${r(y)}" y2="${r(y)}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${right}" y="${r(y - 5)}" text-anchor="end" fill="#c0392b">allocatable ${number(allocatable / unit.size)}</text>`,
    );
  } else if (allocatable > 0) {
    out.push(
      `<text x="${(left + right) / 2}" y="${BOTTOM + 36}" text-anchor="middle" fill="#555">of ${number(allocatable / unit.size)} allocatable</text>`,
    );
  }
  return `<g>\n${out.join("\n")}\n</g>`;
}

function legend(): string {
  const itemWidth = 130;
  const x0 = (WIDTH - itemWidth * TIER_IDS.length) / 2;
  return TIER_IDS.map((tier, i) => {
    const x = x0 + i * itemWidth;
    return `<rect x="${x}" y="${HEIGHT - 34}" width="14" height="14" fill="${TIER_COLOURS[tier]}"/><text x="${x + 20}" y="${HEIGHT - 22}">${tier}</text>`;
  }).join("\n");
}

/** The smallest round number at or above the value whose quarters are round too (ticks). */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function ticks(top: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => (top * i) / 4);
}

function number(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : String(Number(value.toFixed(value >= 10 ? 1 : 2)));
}

function r(value: number): number {
  return Math.round(value * 10) / 10;
}

function xml(text: string): string {
  return printable(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
