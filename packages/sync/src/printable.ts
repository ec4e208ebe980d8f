/**
 * Characters a terminal does not show as themselves: controls (C0, DEL, C1: ESC sequences, BEL, CR, newlines),
 * format characters (bidi overrides and isolates, zero-width characters, tags), line and paragraph separators, and
 * lone surrogates.
 */
const NON_PRINTING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * Text from certificates and file names made safe for a terminal: every non-printing character is shown escaped
 * (`\x1b`, `\u202e`, `\u{e0041}`), so that a name cannot move the cursor, retitle the window, fake output lines or
 * reorder what follows it. For human output only: JSON outputs escape by their own rules.
 */
export function printable(text: string): string {
  NON_PRINTING.lastIndex = 0;
  if (!NON_PRINTING.test(text)) return text;
  return text.replace(NON_PRINTING, (character) => {
    const code = character.codePointAt(0)!;
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
    if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
    return `\\u{${code.toString(16)}}`;
  });
}
