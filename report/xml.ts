/**
 * Escaping for the XML reports (JUnit). Written by hand: escaping is the only
 * subtle part (XML 1.0 forbids most control characters even as references,
 * and engine logs and file names can hold them).
 */

/** Characters XML 1.0 cannot hold at all (C0 controls but tab, line feed, carriage return; lone surrogates; U+FFFE/U+FFFF). */
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text content of an element. */
export function xmlText(value: string): string {
  return value.replace(FORBIDDEN, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An attribute value, between double quotes. */
export function xmlAttr(value: string): string {
  return xmlText(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
