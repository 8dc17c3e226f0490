/**
 * Kubernetes resource quantities as numbers with units in their names.
 *
 * Sizes are parsed once, at the edge (YAML), into integers: CPU in millicores,
 * memory and storage in bytes. All arithmetic and comparison happens on those
 * numbers; a quantity string is produced again only when rendering a resource.
 * Comparing "800Gi" with "1Ti" as text is the bug this file exists to prevent.
 */
import { quoted } from "./printable.ts";

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

const DECIMAL_SUFFIXES: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P|m)?$/;

/** Why a quantity string was refused; the caller turns it into a positioned error. */
export class QuantityError extends Error {}

/** Parses a CPU quantity ("250m", "1", "1.5") into millicores. */
export function parseCpuMillicores(text: string): number {
  const match = QUANTITY.exec(text.trim());
  if (!match) {
    throw new QuantityError(
      `${quoted(text)} is not a CPU quantity; use millicores such as "250m" or cores such as "2"`,
    );
  }
  const [, amount, suffix = ""] = match;
  if (suffix === "m") return checkWhole(Number(amount), text, "millicore");
  if (suffix !== "") {
    throw new QuantityError(
      `${quoted(text)} is not a CPU quantity; CPU takes only the "m" suffix (e.g. "500m") or none`,
    );
  }
  return checkWhole(Number(amount) * 1000, text, "millicore");
}

/** Parses a memory or storage quantity ("512Mi", "20Gi", "1G") into bytes. */
export function parseBytes(text: string): number {
  const match = QUANTITY.exec(text.trim());
  if (!match) {
    throw new QuantityError(`${quoted(text)} is not a size; use a number with a unit such as "512Mi", "20Gi" or "1Ti"`);
  }
  const [, amount, suffix = ""] = match;
  const factor = BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix];
  if (factor === undefined) {
    throw new QuantityError(
      `${quoted(text)} is not a size; "m" (milli) makes no sense for bytes, use Ki, Mi, Gi or Ti`,
    );
  }
  return checkWhole(Number(amount) * factor, text, "byte");
}

function checkWhole(value: number, text: string, unit: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new QuantityError(`${quoted(text)} is not a whole number of ${unit}s`);
  }
  return value;
}

/** Renders millicores as a Kubernetes CPU quantity: whole cores when exact ("2"), else millicores ("250m"). */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** Renders bytes as the largest exact binary quantity ("20Gi", "1536Mi"), or plain bytes. */
export function formatBytes(bytes: number): string {
  for (const suffix of ["Pi", "Ti", "Gi", "Mi", "Ki"] as const) {
    const factor = BINARY_SUFFIXES[suffix]!;
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}

/** Whole mebibytes, for engine settings that take a number of MiB (Solr heap, memcached). */
export function toMebibytes(bytes: number): number {
  return Math.floor(bytes / BINARY_SUFFIXES.Mi!);
}

const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** The largest binary unit that `bytes` (in absolute value) fills at least once: 1536 → KiB, 512 → B. */
export function binaryUnit(bytes: number): { readonly name: string; readonly size: number } {
  let i = 0;
  while (i < BINARY_UNITS.length - 1 && Math.abs(bytes) >= 1024 ** (i + 1)) i++;
  return { name: BINARY_UNITS[i]!, size: 1024 ** i };
}

/** Human figure for reports: "1.5 TiB", "512 MiB". */
export function describeBytes(bytes: number): string {
  const unit = binaryUnit(bytes);
  return `${Number((bytes / unit.size).toFixed(2))} ${unit.name}`;
}

export function describeCpu(millicores: number): string {
  return `${Number((millicores / 1000).toFixed(2))} cores`;
}
