import { ParseError } from "../parse-error.js";
import { decodeBase64 } from "../pem.js";

const BEGIN = "# SIG # Begin signature block";
const END = "# SIG # End signature block";
/** Extensions of the scripts PowerShell signs; an unsigned one is reported as such rather than as "no certificate". */
export const SCRIPT_EXTENSION = /\.(ps1|psm1|psd1|ps1xml|psc1|cdxml|mof)$/i;

/** The text of a script: UTF-8 (with or without a BOM) or UTF-16LE/BE (with a BOM, or ASCII-led without one). */
export function scriptText(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return buffer.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return Buffer.from(buffer.subarray(2)).swap16().toString("utf16le");
  if (bytes[0] !== 0 && bytes[1] === 0 && bytes.length % 2 === 0) return buffer.toString("utf16le");
  return buffer.toString("utf8");
}

const MARKERS = [
  Buffer.from(BEGIN, "latin1"),
  Buffer.from(BEGIN, "utf16le"),
  Buffer.from(BEGIN, "utf16le").swap16(),
];

/** Whether the bytes hold PowerShell's signature block, in any of the encodings read (no decoding: most do not). */
export function hasSignatureBlock(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return MARKERS.some((marker) => buffer.includes(marker));
}

/**
 * The DER SignedData of the trailing `# SIG #` comment block: each line between the markers is `# ` and base64,
 * with CRLF or LF line ends. Null when the script carries no block.
 */
export function scriptSignature(text: string): Uint8Array | null {
  const begin = text.lastIndexOf(BEGIN);
  if (begin === -1) return null;
  const end = text.indexOf(END, begin);
  if (end === -1) throw new ParseError("malformed", "script: the signature block has no end line");
  const lines = text.slice(begin + BEGIN.length, end).split(/\r?\n/);
  const base64 = lines.map((line) => line.replace(/^\s*#\s?/, "").trim()).join("");
  const der = decodeBase64(base64);
  if (der === null) throw new ParseError("malformed", "script: the signature block holds corrupt base64");
  return der;
}
