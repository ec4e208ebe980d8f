import { createRequire } from "node:module";
import { Readable } from "node:stream";
import type * as Yauzl from "yauzl";
import { ParseError } from "../parse-error.js";
import type { ByteSource } from "./byte-source.js";

const SIGNATURE_ENTRY = "AppxSignature.p7x";
/** The entries that make a ZIP an app package rather than any other ZIP (a .docx, a .jar, an archive of files). */
const MANIFESTS = new Set(["AppxManifest.xml", "AppxMetadata/AppxBundleManifest.xml"]);
/** `PKCX`, which precedes the DER SignedData in AppxSignature.p7x. */
const P7X_MAGIC = [0x50, 0x4b, 0x43, 0x58];
/** The limit for the signature and manifest entries, compressed and inflated: real ones are a few kilobytes. */
export const MAX_ENTRY = 1024 * 1024;
/** Central directory records looked at before giving up: a package with more is refused, not walked for ever. */
export const MAX_ZIP_ENTRIES = 200_000;

/** True for a ZIP local file header (MSIX, APPX and their bundles are ZIP files). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/**
 * yauzl, and its view of a ByteSource (each range is one read of exactly that range), loaded on the first ZIP: most
 * runs read none, and loading it cost every parser thread ~6 ms at start. Required, not imported: an ESM import of
 * this CommonJS package cost more.
 */
let zipReader:
  | { yauzl: typeof Yauzl; SourceReader: new (source: ByteSource) => Yauzl.RandomAccessReader }
  | undefined;

function loadZipReader(): NonNullable<typeof zipReader> {
  if (zipReader) return zipReader;
  const yauzl: typeof Yauzl = createRequire(import.meta.url)("yauzl");
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
  zipReader = { yauzl, SourceReader };
  return zipReader;
}

async function readCapped(stream: Readable, name: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_ENTRY) {
      stream.destroy();
      throw new ParseError("malformed", `MSIX: ${name} inflates past ${MAX_ENTRY} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** An entry's bytes, refused above MAX_ENTRY whatever its header claims (yauzl checks the claim too). */
async function readEntry(zip: Yauzl.ZipFile, entry: Yauzl.Entry): Promise<Uint8Array> {
  if (entry.uncompressedSize > MAX_ENTRY || entry.compressedSize > MAX_ENTRY)
    throw new ParseError("malformed", `MSIX: ${entry.fileName} is larger than ${MAX_ENTRY} bytes`);
  return readCapped(await zip.openReadStreamPromise(entry), entry.fileName);
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The `Publisher` attribute of the manifest's `<Identity>` element, or null. */
function publisherOf(manifest: Uint8Array): string | null {
  const text = Buffer.from(manifest).toString("utf8");
  const identity = /<(?:\w+:)?Identity\b[^>]*?\sPublisher\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(text);
  const value = identity ? (identity[1] ?? identity[2] ?? "") : null;
  return value?.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? "") ?? null;
}

/** What an MSIX/APPX package or bundle says about its signer. */
export interface PackageSignature {
  /** The DER SignedData of `AppxSignature.p7x`, or null when the package is unsigned. */
  der: Uint8Array | null;
  /** The manifest's `Identity/@Publisher`, which Windows requires to equal the signer's subject; null if none. */
  publisher: string | null;
}

/**
 * Reads an MSIX/APPX package or bundle's signature and manifest publisher. Reads the ZIP's end records and central
 * directory, then those two entries (at most 1 MiB each), never the package's contents.
 */
export async function msixSignature(source: ByteSource): Promise<PackageSignature> {
  const { yauzl, SourceReader } = loadZipReader();
  let zip: Yauzl.ZipFile;
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
    let manifest: Uint8Array | null = null;
    let der: Uint8Array | null = null;
    for await (const entry of zip.eachEntry()) {
      if (++seen > MAX_ZIP_ENTRIES)
        throw new ParseError("malformed", `MSIX: more than ${MAX_ZIP_ENTRIES} entries`);
      if (MANIFESTS.has(entry.fileName) && manifest === null) manifest = await readEntry(zip, entry);
      if (entry.fileName !== SIGNATURE_ENTRY) continue;
      const bytes = await readEntry(zip, entry);
      if (!P7X_MAGIC.every((byte, i) => bytes[i] === byte))
        throw new ParseError("malformed", `MSIX: ${SIGNATURE_ENTRY} does not start with PKCX`);
      der = bytes.subarray(4);
      if (manifest !== null) break;
    }
    if (manifest === null && der === null)
      throw new ParseError(
        "no_certificate",
        "a ZIP file that is not an MSIX/APPX package (no AppxManifest.xml)",
      );
    return { der, publisher: manifest === null ? null : publisherOf(manifest) };
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
