import { createRequire } from "node:module";
import type * as CFB from "cfb";
import { ParseError } from "../parse-error.js";

/** Required when an MSI comes: an ESM import of this CommonJS package cost every parser thread ~25 ms at start. */
const cfb = (): typeof CFB => createRequire(import.meta.url)("cfb");

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** A signature stream larger than this is refused: real ones are a few kilobytes. */
export const MAX_MSI_SIGNATURE = 16 * 1024 * 1024;

/** True for an OLE compound file header (MSI, MSP, and other compound files). */
export function looksLikeOle(head: Uint8Array): boolean {
  return OLE_MAGIC.every((byte, i) => head[i] === byte);
}

/**
 * The DER SignedData in an MSI/MSP's `\x05DigitalSignature` stream, or null when there is none. The compound-file
 * reader (cfb) needs the whole file in memory, which is why MSI has its own size cap.
 */
export function msiSignature(bytes: Uint8Array): Uint8Array | null {
  let container: CFB.CFB$Container;
  try {
    container = cfb().read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { type: "buffer" });
  } catch (error) {
    // cfb names header and chain problems; anything else (a TypeError deep inside) is a truncated or corrupt file.
    const named = error instanceof Error && error.constructor === Error;
    const reason = named ? error.message : "truncated or corrupt";
    throw new ParseError("malformed", `MSI: not a readable compound file (${reason})`);
  }
  // In the root storage only: a stream of that name deeper down is not the package's signature.
  const path = `${container.FullPaths[0]}\u0005DigitalSignature`;
  const entry = container.FileIndex.find((_, i) => container.FullPaths[i] === path);
  if (!entry) return null;
  if (entry.size > MAX_MSI_SIGNATURE)
    throw new ParseError(
      "malformed",
      `MSI: signature stream of ${entry.size} bytes (limit ${MAX_MSI_SIGNATURE})`,
    );
  const content = entry.content as Uint8Array | number[] | undefined;
  if (!content || content.length < entry.size)
    throw new ParseError("malformed", "MSI: the signature stream is truncated");
  return Uint8Array.from(content.slice(0, entry.size));
}
