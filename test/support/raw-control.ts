/**
 * Raw characters no output may hold, written out independently of
 * core/printable.ts so the tests do not trust the code they check: C0 controls
 * but LF, DEL, C1 controls, soft hyphen, bidi marks, overrides and isolates,
 * zero-width characters, line and paragraph separators, the byte-order mark.
 */
export const RAW_CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
