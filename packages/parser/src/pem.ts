/** One `-----BEGIN label-----` … `-----END label-----` block, or a BEGIN line that never ends. */
export interface PemBlock {
  label: string;
  /** The base64 body with whitespace removed, or null when the block has no END line. */
  base64: string | null;
}

/** A BEGIN line with its label, any other `-----BEGIN ` (which still ends an open block), or an END line. */
const MARKER = /-----(?:BEGIN ([A-Z0-9 #]+)-----|BEGIN |END ([A-Z0-9 #]+)-----)/g;

/**
 * Finds the PEM blocks of a text, in order; text before, between and after blocks is ignored. One pass over
 * the markers, so a hostile file of BEGIN lines costs linear time.
 */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: { label: string; bodyStart: number } | null = null;
  for (const match of text.matchAll(MARKER)) {
    const [marker, beginLabel, endLabel] = match;
    if (endLabel === undefined) {
      if (open) blocks.push({ label: open.label, base64: null });
      open = beginLabel === undefined ? null : { label: beginLabel, bodyStart: match.index + marker.length };
    } else if (open && endLabel === open.label) {
      const body = withoutHeaders(text.slice(open.bodyStart, match.index));
      blocks.push({ label: open.label, base64: body.replace(/\s+/g, "") });
      open = null;
    }
  }
  if (open) blocks.push({ label: open.label, base64: null });
  return blocks;
}

/** RFC 1421 headers (`Proc-Type: …`) may precede the body, separated by a blank line. */
function withoutHeaders(body: string): string {
  return body.includes(":") ? body.replace(/^\s*(?:[A-Za-z-]+:[^\n]*\n)+\s*\n/, "") : body;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes strict base64 (whitespace already removed), or returns null when any character is off. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length === 0 || !BASE64.test(text)) return null;
  return new Uint8Array(Buffer.from(text, "base64"));
}
