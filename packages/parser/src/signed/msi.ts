import { ParseError } from "../parse-error.js";
import type { ByteSource } from "./byte-source.js";
import { CompoundFile } from "./compound-file.js";

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** A signature stream larger than this is refused: real ones are a few kilobytes. */
export const MAX_MSI_SIGNATURE = 16 * 1024 * 1024;
/** The root storage's stream that holds an MSI/MSP's Authenticode signature. */
const SIGNATURE_STREAM = "\u0005DigitalSignature";

/** True for an OLE compound file header (MSI, MSP, and other compound files). */
export function looksLikeOle(head: Uint8Array): boolean {
  return OLE_MAGIC.every((byte, i) => head[i] === byte);
}

/**
 * The DER SignedData in an MSI/MSP's `\x05DigitalSignature` stream, or null when there is none. Only the compound
 * file's structure on the way to that stream and the stream itself are read.
 */
export function msiSignature(source: ByteSource): Uint8Array | null {
  const file = CompoundFile.open(source);
  // In the root storage only: a stream of that name deeper down is not the package's signature.
  const entry = file.rootStream(SIGNATURE_STREAM);
  if (!entry) return null;
  if (entry.size > MAX_MSI_SIGNATURE)
    throw new ParseError(
      "malformed",
      `MSI: signature stream of ${entry.size} bytes (limit ${MAX_MSI_SIGNATURE})`,
    );
  return file.readStream(entry, "the signature stream");
}
