// How text from elsewhere (the platform, a file, the command line) is shown on a terminal: every
// character a terminal would interpret or hide is escaped. Shared by the CLI and the other bins.

/**
 * Characters a terminal interprets or hides: C0 and C1 controls (ESC, CR, BS...), DEL, format
 * characters (bidi overrides and isolates, zero-width ones), line and paragraph separators, lone
 * surrogates. `printable` escapes them all, `\n` and `\t` included; `terminalSafe` keeps the
 * newlines and tabs of the CLI's own layout.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_VALUE = /[\n\t\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_OUTPUT = /[^\n\t\P{Cc}]|[\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\uXXXX` per UTF-16 unit: the same escape is valid in JSON strings and YAML double-quoted scalars. */
function escapeUnits(char: string): string {
  let escaped = "";
  for (let index = 0; index < char.length; index += 1) escaped += `\\u${char.charCodeAt(index).toString(16).padStart(4, "0")}`;
  return escaped;
}

/** True when `text` holds a character `printable` escapes. */
export const hasUnprintable = (text: string) => new RegExp(UNSAFE_IN_VALUE.source, "u").test(text);

/**
 * A value from the platform, a file or the command line, shown in human output: every character a
 * terminal would interpret or hide (newlines and tabs too, so that a name cannot fake a line or a
 * column) is shown as a `\uXXXX` escape.
 */
export function printable(text: string): string {
  return String(text).replace(UNSAFE_IN_VALUE, escapeUnits);
}

/**
 * The last guard on everything the CLI writes: the same escapes, except the newlines and tabs of its
 * own layout. In JSON output an escape is the same JSON value.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_IN_OUTPUT, escapeUnits);
}

/** A table cell or field of a value the platform may leave out (or send as something else): never `undefined`. */
export function cell(value: unknown, missing = "-"): string {
  if (value === undefined || value === null) return missing;
  return printable(typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value));
}

/** Longer values typed on the command line are not quoted back: a pasted token is longer than any name or id. */
const MAX_QUOTED_ARGUMENT = 40;

/**
 * A value typed on the command line, as an error may quote it: shown (escaped) when short, else
 * only its length, since a long value in the wrong place is most often a pasted token.
 */
export function quotedArgument(value: string): string {
  return value.length <= MAX_QUOTED_ARGUMENT ? printable(value) : `(a value of ${value.length} characters, not shown)`;
}
