/**
 * Figures as people read them. Exact numbers (millicores, bytes) stay in JSON
 * and CSV; tables show cores and binary units.
 */
import { describeBytes } from "../../core/quantity.ts";

/** Millicores as cores, exact to the millicore: 875 → "0.875", 12500 → "12.5". */
export function cores(millicores: number): string {
  return String(Number((millicores / 1000).toFixed(3)));
}

/** Bytes in the largest binary unit under 1024 ("2.38 GiB"); nothing at all reads "0". */
export function bytes(value: number): string {
  return value === 0 ? "0" : describeBytes(value);
}

/** A delta with its sign; zero stays "0" so an unchanged figure reads as such. */
export function signed(value: number, show: (n: number) => string): string {
  if (value === 0) return "0";
  return `${value > 0 ? "+" : "-"}${show(Math.abs(value))}`;
}

/** "a → b", or just "a" when nothing changed; "—" stands for a side that does not exist. */
export function change(before: string | undefined, after: string | undefined): string {
  const b = before ?? "—";
  const a = after ?? "—";
  return b === a ? a : `${b} → ${a}`;
}

export function percent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** Thousands separated with a thin, unambiguous comma: 713224 → "713,224". */
export function count(value: number): string {
  return value.toLocaleString("en-US");
}
