/** One `-----BEGIN label-----` … `-----END label-----` block, or a BEGIN line that never ends. */
export interface PemBlock {
  label: string;
  /** The base64 body with whitespace removed, or null when the block has no END line. */
  base64: string | null;
}

const BEGIN = /-----BEGIN ([A-Z0-9 #]+)-----/g;

/** Finds the PEM blocks of a text, in order; text before, between and after blocks is ignored. */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  for (let match = BEGIN.exec(text); match !== null; match = BEGIN.exec(text)) {
    const label = match[1] ?? "";
    const bodyStart = match.index + match[0].length;
    const end = text.indexOf(`-----END ${label}-----`, bodyStart);
    const nextBegin = text.indexOf("-----BEGIN ", bodyStart);
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) {
      blocks.push({ label, base64: null });
      continue;
    }
    blocks.push({ label, base64: withoutHeaders(text.slice(bodyStart, end)).replace(/\s+/g, "") });
    BEGIN.lastIndex = end;
  }
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
