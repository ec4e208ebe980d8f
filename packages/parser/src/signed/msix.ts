import { Readable } from "node:stream";
import yauzl from "yauzl";
import { ParseError } from "../parse-error.js";
import type { ByteSource } from "./byte-source.js";

const SIGNATURE_ENTRY = "AppxSignature.p7x";
/** The entries that make a ZIP an app package rather than any other ZIP (a .docx, a .jar, an archive of files). */
const MANIFESTS = new Set(["AppxManifest.xml", "AppxMetadata/AppxBundleManifest.xml"]);
/** `PKCX`, which precedes the DER SignedData in AppxSignature.p7x. */
const P7X_MAGIC = [0x50, 0x4b, 0x43, 0x58];
/** The signature entry's limit, compressed and uncompressed: real ones are a few kilobytes. */
export const MAX_P7X = 1024 * 1024;
/** Central directory records looked at before giving up: a package with more is refused, not walked for ever. */
export const MAX_ZIP_ENTRIES = 200_000;

/** True for a ZIP local file header (MSIX, APPX and their bundles are ZIP files). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** yauzl's view of a ByteSource: each range is one read of exactly that range. */
class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ByteSource) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    try {
      return Readable.from([Buffer.from(this.source.read(start, end - start, "a ZIP record"))]);
    } catch (error) {
      const stream = new Readable({ read() {} });
      process.nextTick(() => stream.destroy(error as Error));
      return stream;
    }
  }
}

async function readCapped(stream: Readable, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) {
      stream.destroy();
      throw new ParseError("malformed", `MSIX: ${SIGNATURE_ENTRY} inflates past ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The DER SignedData of an MSIX/APPX package or bundle (`AppxSignature.p7x`), or null when unsigned. Reads the
 * ZIP's end records and central directory, then that one entry, never the package's contents.
 */
export async function msixSignature(source: ByteSource): Promise<Uint8Array | null> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(new SourceReader(source), source.size, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (error) {
    throw zipError(error);
  }
  try {
    let seen = 0;
    let isPackage = false;
    for await (const entry of zip.eachEntry()) {
      isPackage ||= MANIFESTS.has(entry.fileName);
      if (++seen > MAX_ZIP_ENTRIES)
        throw new ParseError(
          "malformed",
          `MSIX: more than ${MAX_ZIP_ENTRIES} entries before ${SIGNATURE_ENTRY}`,
        );
      if (entry.fileName !== SIGNATURE_ENTRY) continue;
      if (entry.uncompressedSize > MAX_P7X || entry.compressedSize > MAX_P7X)
        throw new ParseError("malformed", `MSIX: ${SIGNATURE_ENTRY} is larger than ${MAX_P7X} bytes`);
      const bytes = await readCapped(await zip.openReadStreamPromise(entry), MAX_P7X);
      if (!P7X_MAGIC.every((byte, i) => bytes[i] === byte))
        throw new ParseError("malformed", `MSIX: ${SIGNATURE_ENTRY} does not start with PKCX`);
      return bytes.subarray(4);
    }
    if (!isPackage)
      throw new ParseError(
        "no_certificate",
        "a ZIP file that is not an MSIX/APPX package (no AppxManifest.xml)",
      );
    return null;
  } catch (error) {
    throw zipError(error);
  } finally {
    zip.close();
  }
}

function zipError(error: unknown): ParseError {
  if (error instanceof ParseError) return error;
  return new ParseError(
    "malformed",
    `MSIX: not a readable ZIP (${error instanceof Error ? error.message : error})`,
  );
}
