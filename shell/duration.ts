/**
 * The one duration syntax of every sei-infra option that takes a time
 * (`fleet --lock-timeout`, `restore --timeout`): a whole number and a unit,
 * ms, s, m or h (`90s`, `5m`, `6h`). It is also what Terraform's -lock-timeout
 * reads, so fleet passes the text on unchanged.
 */
const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const SYNTAX = /^(\d+)(ms|s|m|h)$/;

/** Milliseconds, or undefined when the text is not a duration (or is zero). */
export function parseDuration(text: string): number | undefined {
  const match = SYNTAX.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

export const DURATION_HINT = "give a duration such as 90s, 5m or 6h";
