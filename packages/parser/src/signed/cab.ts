import { ParseError } from "../parse-error.js";
import type { ByteSource } from "./byte-source.js";

const RESERVE_PRESENT = 0x0004;
/** A signature larger than this is refused: real ones are a few kilobytes. */
export const MAX_CAB_SIGNATURE = 16 * 1024 * 1024;

/** True for the `MSCF` signature of a cabinet header. */
export function looksLikeCab(head: Uint8Array): boolean {
  return head[0] === 0x4d && head[1] === 0x53 && head[2] === 0x43 && head[3] === 0x46;
}

/**
 * The DER SignedData of a signed cabinet, or null when unsigned. The header's reserved area (flag 0x0004) holds,
 * as osslsigncode and signtool write it, 0x00100000 then the signature's file offset and length.
 */
export function cabSignature(source: ByteSource): Uint8Array | null {
  const header = Buffer.from(source.read(0, 36, "the cabinet header"));
  if ((header.readUInt16LE(30) & RESERVE_PRESENT) === 0) return null;
  const sizes = Buffer.from(source.read(36, 4, "the cabinet reserve sizes"));
  const reserveSize = sizes.readUInt16LE(0);
  if (reserveSize < 12) return null;
  const reserve = Buffer.from(source.read(40, 12, "the cabinet reserve"));
  if (reserve.readUInt32LE(0) !== 0x00100000) return null;
  const offset = reserve.readUInt32LE(4);
  const length = reserve.readUInt32LE(8);
  if (length === 0) return null;
  if (length > MAX_CAB_SIGNATURE)
    throw new ParseError("malformed", `CAB: signature of ${length} bytes (limit ${MAX_CAB_SIGNATURE})`);
  return source.read(offset, length, "the cabinet signature");
}
