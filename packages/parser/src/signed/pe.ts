import { ParseError } from "../parse-error.js";
import type { ByteSource } from "./byte-source.js";

const PE32 = 0x10b;
const PE32_PLUS = 0x20b;
const SECURITY_DIRECTORY = 4;
const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
/** A certificate table larger than this is refused: real ones hold a few signatures of some kilobytes. */
export const MAX_CERTIFICATE_TABLE = 16 * 1024 * 1024;

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (u16(bytes, at) + u16(bytes, at + 2) * 0x10000) >>> 0;
}

/** True when the first bytes are an MZ header whose e_lfanew fits in them and points at `PE\0\0`. */
export function looksLikePe(head: Uint8Array): boolean {
  if (head[0] !== 0x4d || head[1] !== 0x5a || head.length < 0x40) return false;
  const at = u32(head, 0x3c);
  return at + 4 <= head.length && u32(head, at) === 0x00004550;
}

/**
 * The DER SignedData of each PKCS_SIGNED_DATA entry of a PE image's certificate table (data directory 4, whose
 * address is a file offset). Reads the headers and that table only; an unsigned image gives none.
 */
export function peSignatures(source: ByteSource): Uint8Array[] {
  const dos = source.read(0, 0x40, "the DOS header");
  const peAt = u32(dos, 0x3c);
  const coff = source.read(peAt, 24, "the PE header");
  if (u32(coff, 0) !== 0x00004550) throw new ParseError("malformed", "PE: no PE signature at e_lfanew");
  const optionalSize = u16(coff, 20);
  const optional = source.read(peAt + 24, optionalSize, "the optional header");
  const magic = u16(optional, 0);
  if (magic !== PE32 && magic !== PE32_PLUS)
    throw new ParseError("malformed", `PE: unknown optional header magic 0x${magic.toString(16)}`);
  const directoriesAt = magic === PE32 ? 96 : 112;
  const count = u32(optional, directoriesAt - 4);
  const entryAt = directoriesAt + SECURITY_DIRECTORY * 8;
  if (count <= SECURITY_DIRECTORY || entryAt + 8 > optional.length) return [];
  const tableAt = u32(optional, entryAt);
  const tableSize = u32(optional, entryAt + 4);
  if (tableAt === 0 || tableSize === 0) return [];
  if (tableSize > MAX_CERTIFICATE_TABLE)
    throw new ParseError(
      "malformed",
      `PE: certificate table of ${tableSize} bytes (limit ${MAX_CERTIFICATE_TABLE})`,
    );
  const table = source.read(tableAt, tableSize, "the certificate table");
  const signatures: Uint8Array[] = [];
  // WIN_CERTIFICATE entries, each 8-byte aligned: dwLength (with the header), wRevision, wCertificateType, data.
  for (let at = 0; at + 8 <= table.length; at += (u32(table, at) + 7) & ~7) {
    const length = u32(table, at);
    if (length < 8 || at + length > table.length)
      throw new ParseError("malformed", `PE: certificate table entry at ${at} has a bad length ${length}`);
    if (u16(table, at + 6) === WIN_CERT_TYPE_PKCS_SIGNED_DATA)
      signatures.push(table.subarray(at + 8, at + length));
  }
  return signatures;
}
