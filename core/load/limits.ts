/**
 * Limits on input files. A municipality file is about 1 KiB; anything near
 * these limits is a mistake or an attack, and refusing it early keeps the
 * loader's time and memory bounded (no "billion laughs", no pathological input).
 */

/**
 * Larger files are refused before parsing, and sources never read more than
 * this plus one byte of any file (municipality, tier, platform.yaml and the
 * official list, whose 853 lines take 23 KiB).
 */
export const MAX_FILE_BYTES = 64 * 1024;

/** The message for a file over its limit (MAX_FILE_BYTES for input files), wherever it is found out. */
export function tooLarge(bytes: number, limit = MAX_FILE_BYTES): string {
  const note = limit === MAX_FILE_BYTES ? " (the project's input files are a few KiB)" : "";
  return `file is ${Math.ceil(bytes / 1024)} KiB; files over ${limit / 1024} KiB are refused${note}`;
}

/**
 * YAML aliases (`*name`) allowed in one file. Our files need none; a few are
 * tolerated for people who share a team member block, but alias expansion is
 * how "billion laughs" documents blow up, so the limit is small.
 */
export const MAX_ALIASES = 10;
