import { ParseError } from "../parse-error.js";
import { failedFile } from "../parsed-file.js";
import type { ContainerFormat, ParsedFile, ParseOptions } from "../types.js";
import { type ByteSource, bytesSource } from "./byte-source.js";
import { cabSignature, looksLikeCab } from "./cab.js";
import { looksLikeOle, msiSignature } from "./msi.js";
import { looksLikeZip, msixSignature } from "./msix.js";
import { looksLikePe, peSignatures } from "./pe.js";
import { hasSignatureBlock, SCRIPT_EXTENSION, scriptSignature, scriptText } from "./script.js";
import { readSignatures, type Signature } from "./signed-data.js";
import { missingSigners, signatureEntries } from "./signers.js";

/** Artefacts recognised by their first bytes, whose signature is read without reading the whole file. */
export type HeadArtefact = "pe" | "msi" | "msix" | "cab";

/** The default limit for signed artefacts: only their headers and signature are read, so size costs little. */
export const DEFAULT_MAX_SIGNED_FILE_SIZE = 8 * 1024 ** 3;
/** How many leading bytes identify a head artefact (a PE's e_lfanew must point inside them). */
export const HEAD_BYTES = 4096;

const NAMES: Partial<Record<ContainerFormat, string>> = {
  pe: "PE image",
  msi: "MSI package",
  msix: "MSIX/APPX package",
  cab: "cabinet",
  catalog: "catalog",
  script: "script",
};

/** What a file's first bytes say it is, among the artefacts read by header walk. */
export function headArtefact(head: Uint8Array): HeadArtefact | null {
  if (looksLikePe(head)) return "pe";
  if (looksLikeOle(head)) return "msi";
  if (looksLikeZip(head)) return "msix";
  if (looksLikeCab(head)) return "cab";
  return null;
}

/** The file's result from the DER signatures found in it. */
function signedFile(path: string, format: ContainerFormat, ders: Uint8Array[], now: Date): ParsedFile {
  // Indexes run on across WIN_CERTIFICATE entries, each of which may hold nested signatures.
  const signatures: Signature[] = [];
  for (const der of ders) signatures.push(...readSignatures(der, signatures.length + 1));
  return signaturesFile(path, format, signatures, now);
}

/** The file's result from its signatures, already read (none: `no_certificate`, "unsigned"). */
function signaturesFile(
  path: string,
  format: ContainerFormat,
  signatures: Signature[],
  now: Date,
): ParsedFile {
  if (signatures.length === 0) {
    const error = {
      code: "no_certificate" as const,
      message: `unsigned ${NAMES[format] ?? "file"}: it carries no signature`,
    };
    return { path, format, error, certificates: [] };
  }
  const certificates = signatureEntries(signatures, now);
  const missing = missingSigners(signatures);
  return { path, format, error: missing ? { code: "no_certificate", message: missing } : null, certificates };
}

function failed(path: string, format: ContainerFormat, error: unknown): ParsedFile {
  if (error instanceof ParseError) return { ...failedFile(path, error), format };
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string") return failedFile(path, new ParseError("unreadable", `cannot read: ${code}`));
  const message = error instanceof Error ? error.message : String(error);
  return { ...failedFile(path, new ParseError("malformed", `could not decode: ${message}`)), format };
}

function tooLarge(size: number, limit: number, why: string): ParseError {
  return new ParseError("too_large", `the file is ${size} bytes; the limit ${why} is ${limit}`);
}

/** Two rendered DNs, compared without the spaces around separators. */
function sameName(a: string, b: string): boolean {
  const squeeze = (name: string) => name.replace(/\s*([,=+])\s*/g, "$1").trim();
  return squeeze(a) === squeeze(b);
}

async function readMsix(source: ByteSource, path: string, now: Date): Promise<ParsedFile> {
  try {
    const { der, publisher } = await msixSignature(source);
    const file = signedFile(path, "msix", der ? [der] : [], now);
    for (const { subject, signature } of file.certificates) {
      // Windows compares names; this compares their renderings, which agree for the usual "CN=…, O=…, C=…".
      if (signature?.role === "signer" && publisher !== null)
        signature.publisherMatch = sameName(subject, publisher);
    }
    return file;
  } catch (error) {
    // A ZIP that is no app package is not an MSIX either.
    if (error instanceof ParseError && error.code === "no_certificate") return failedFile(path, error);
    return failed(path, "msix", error);
  }
}

/**
 * Reads a head artefact's signatures from `source` and judges their certificates. Synchronous except for
 * MSIX/APPX (the ZIP reader is asynchronous). Never throws for bad input.
 */
export function readHeadArtefact(
  kind: HeadArtefact,
  source: ByteSource,
  path: string,
  options: ParseOptions,
): ParsedFile | Promise<ParsedFile> {
  const limit = options.maxSignedFileSize ?? DEFAULT_MAX_SIGNED_FILE_SIZE;
  if (source.size > limit)
    return { ...failedFile(path, tooLarge(source.size, limit, "for signed artefacts")), format: kind };
  const now = options.now ?? new Date();
  try {
    switch (kind) {
      case "pe":
        return signedFile(path, kind, peSignatures(source), now);
      case "cab": {
        const der = cabSignature(source);
        return signedFile(path, kind, der ? [der] : [], now);
      }
      case "msi": {
        const der = msiSignature(source);
        return signedFile(path, kind, der ? [der] : [], now);
      }
      case "msix":
        return readMsix(source, path, now);
    }
  } catch (error) {
    return failed(path, kind, error);
  }
}

const P7X_START = [0x50, 0x4b, 0x43, 0x58, 0x30];
const SIGNED_DATA_OID = Buffer.from("06092a864886f70d010702", "hex");
/** `digestAlgorithms SET {}` then `encapContentInfo { id-data }`: how every certificate bundle (.p7b) starts. */
const BUNDLE_SIGNED_DATA = Buffer.from("3100300b06092a864886f70d010701", "hex");
const CTL = "1.3.6.1.4.1.311.10.1";
const SPC_INDIRECT_DATA = "1.3.6.1.4.1.311.2.1.4";

/**
 * A whole-file PKCS#7 SignedData that is a catalog or an Authenticode signature (by its content type or its
 * SignerInfos), or null: a certificate bundle (.p7b) is the certificate containers' business.
 */
function signedPkcs7(bytes: Uint8Array, path: string, now: Date): ParsedFile | null {
  const start = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 64));
  if (start.subarray(0, 16).indexOf(SIGNED_DATA_OID) === -1) return null;
  // A certificate bundle (no digest algorithms, id-data without content) is left to the containers' reader
  // without decoding it twice.
  if (start.indexOf(BUNDLE_SIGNED_DATA) !== -1) return null;
  let signatures: ReturnType<typeof readSignatures>;
  try {
    signatures = readSignatures(bytes);
  } catch {
    // Not a SignedData this reader understands: the certificate containers' reader judges it.
    return null;
  }
  const [first] = signatures;
  const authenticode = first?.contentType === CTL || first?.contentType === SPC_INDIRECT_DATA;
  if (!first || (!authenticode && first.signers.length === 0)) return null;
  const format = first.contentType === CTL ? "catalog" : "pkcs7";
  try {
    return signaturesFile(path, format, first.signers.length === 0 ? [] : signatures, now);
  } catch (error) {
    return failed(path, format, error);
  }
}

/**
 * Reads signed artefacts from bytes in memory: PowerShell scripts (by their signature block, or an unsigned one
 * by its extension), catalogs, detached signatures (and a bare AppxSignature.p7x), and the head artefacts except
 * MSIX. Null when the bytes
 * are none of these, for the certificate containers' reader.
 */
export function readSignedBytes(bytes: Uint8Array, path: string, options: ParseOptions): ParsedFile | null {
  const now = options.now ?? new Date();
  const kind = headArtefact(bytes);
  if (kind === "msix")
    return failedFile(
      path,
      new ParseError("unsupported", "MSIX/APPX packages are read from files, not bytes"),
    );
  if (kind !== null) return readHeadArtefact(kind, bytesSource(bytes), path, options) as ParsedFile;
  // An AppxSignature.p7x taken out of its package: `PKCX` and the SignedData.
  if (P7X_START.every((byte, i) => bytes[i] === byte)) {
    try {
      return signedFile(path, "msix", [bytes.subarray(4)], now);
    } catch (error) {
      return failed(path, "msix", error);
    }
  }
  if (bytes[0] === 0x30) return signedPkcs7(bytes, path, now);
  try {
    if (!hasSignatureBlock(bytes))
      return SCRIPT_EXTENSION.test(path) ? signedFile(path, "script", [], now) : null;
    const der = scriptSignature(scriptText(bytes));
    return signedFile(path, "script", der ? [der] : [], now);
  } catch (error) {
    return failed(path, "script", error);
  }
}
