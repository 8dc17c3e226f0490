/**
 * Text from input files, made safe to print: the one helper every message and
 * every output format goes through (diagnostics in text, JSON and GitHub
 * annotations; capacity tables, CSV, JSON and the SVG chart; CLI errors).
 *
 * Input files are written by people and, in pull requests, by anyone. Their
 * keys, values and names must never act on the terminal, the log or the
 * annotation that shows them, and a message quotes a short excerpt, never a
 * whole file. So:
 *
 * - characters a terminal or a log acts on, or that hide what a text says,
 *   are written as escapes (`\u001b`, `\n`, `\u202e`): controls (C0, DEL, C1),
 *   format characters (bidi overrides and isolates, zero-width characters, soft
 *   hyphen), line and paragraph separators, lone surrogates;
 * - a value or key quoted in a message is cut to EXCERPT_LENGTH characters, and
 *   any whole text printed (a message, a file name, a table cell) to TEXT_LIMIT,
 *   with the length it had.
 *
 * Text without such characters and within the limits is returned unchanged,
 * so the output of ordinary files is what it always was.
 */

/** Characters to escape (see above); the test form has no /g, so no lastIndex state. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "gu");
const NON_ASCII_ALL = /[^\x20-\x7e]/gu;

/** How many characters of a value or a key a message quotes. */
export const EXCERPT_LENGTH = 64;

/** The most characters of any one text that an output prints. */
export const TEXT_LIMIT = 1000;

const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `\u001b`, `\u202e`, `\u{e0001}`: how one character is written as an escape. */
function escapeCodePoint(character: string): string {
  const short = SHORT_ESCAPES[character];
  if (short) return short;
  const code = character.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** "U+0456": how a message names a character. */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Unsafe characters escaped, and the text cut to `limit` characters ("…" and its length added). */
export function printable(text: string, limit = TEXT_LIMIT): string {
  if (text.length <= limit && !UNSAFE.test(text)) return text;
  return cut(text, limit, (part) => part.replace(UNSAFE_ALL, escapeCodePoint));
}

/**
 * A value or key from a file, quoted for a message: JSON string syntax (so
 * `"` and `\` are escaped and the quotes cannot be faked), unsafe characters
 * escaped, cut to `limit` characters.
 */
export function quoted(value: string, limit = EXCERPT_LENGTH): string {
  return cut(value, limit, (part) => JSON.stringify(part).replace(UNSAFE_ALL, escapeCodePoint));
}

/** Like quoted, with every character outside printable ASCII escaped: shows a look-alike letter for what it is. */
export function quotedAscii(value: string, limit = EXCERPT_LENGTH): string {
  return cut(value, limit, (part) => JSON.stringify(part).replace(NON_ASCII_ALL, escapeCodePoint));
}

/** The first `limit` characters rendered by `render`, then "… (N characters)" when there were more. */
function cut(text: string, limit: number, render: (part: string) => string): string {
  if (text.length <= limit) return render(text);
  const characters = [...text];
  if (characters.length <= limit) return render(text);
  return `${render(characters.slice(0, limit).join(""))}… (${characters.length} characters)`;
}
