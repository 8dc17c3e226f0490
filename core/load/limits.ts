/**
 * Limits on input files. A municipality file is about 1 KiB; anything near
 * these limits is a mistake or an attack, and refusing it early keeps the
 * loader's time and memory bounded (no "billion laughs", no pathological input).
 */

/** Larger files are refused before parsing. */
export const MAX_FILE_BYTES = 64 * 1024;

/**
 * YAML aliases (`*name`) allowed in one file. Our files need none; a few are
 * tolerated for people who share a team member block, but alias expansion is
 * how "billion laughs" documents blow up, so the limit is small.
 */
export const MAX_ALIASES = 10;

