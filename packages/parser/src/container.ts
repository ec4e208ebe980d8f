import { type DecodedCertificate, readCertificate } from "./certificate.js";
import { classifyDer, type DerKind } from "./der-kind.js";
import { isRunBudgetRefusal } from "./kdf-budget.js";
import { ParseError } from "./parse-error.js";
import { decodeBase64, findPemBlocks, type PemBlock } from "./pem.js";
import { pkcs7Certificates } from "./pkcs7.js";
import { readPkcs12 } from "./pkcs12.js";
import { bytesToText } from "./text.js";
import type { ContainerFormat, ParseErrorCode, PfxPasswords } from "./types.js";

/** Everything read from one file's bytes, before any upload verdict. */
export interface ContainerContents {
  format: ContainerFormat | null;
  certificates: DecodedCertificate[];
  /** SPKI DER of the private keys a PKCS#12 holds; null for containers that cannot hold keys. */
  keyPublicKeys: Uint8Array[] | null;
  error: ParseError | null;
  /** A note on a file that was read (a PKCS#12 whose integrity could not be verified). */
  warning?: string | null;
}

const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]);
const PKCS7_LABELS = new Set(["PKCS7", "PKCS #7 SIGNED DATA", "CMS"]);
const PKCS12_LABELS = new Set(["PKCS12", "PKCS #12", "PFX"]);

function failure(format: ContainerFormat | null, error: unknown): ContainerContents {
  if (!(error instanceof ParseError)) throw error;
  return { format, certificates: [], keyPublicKeys: null, error };
}

/** Reads a classified blob; `asCertificate` names the format a bare certificate is reported as. */
function readClassified(
  kind: DerKind,
  asCertificate: ContainerFormat,
  password: PfxPasswords,
): ContainerContents {
  const format = kind.kind === "pkcs7" || kind.kind === "pkcs12" ? kind.kind : asCertificate;
  try {
    switch (kind.kind) {
      case "certificate":
        return {
          format,
          certificates: [readCertificate(kind.certificate)],
          keyPublicKeys: null,
          error: null,
        };
      case "pkcs7":
        return {
          format,
          certificates: pkcs7Certificates(kind.block).map(readCertificate),
          keyPublicKeys: null,
          error: null,
        };
      case "pkcs12": {
        const { certificates, keyPublicKeys, warning } = readPkcs12(kind.block, password);
        return {
          format,
          certificates: certificates.map(readCertificate),
          keyPublicKeys,
          error: null,
          warning,
        };
      }
      case "other":
        throw new ParseError("no_certificate", `the file holds ${kind.description}`);
      default:
        throw new ParseError("malformed", "truncated or corrupt DER certificate structure");
    }
  } catch (error) {
    return failure(format, error);
  }
}

/** Why a PEM block yielded nothing: a plain record, since a hostile file may hold 300,000 broken blocks. */
interface BlockFailure {
  code: ParseErrorCode;
  message: string;
}

function readPemBlock(
  block: PemBlock,
  index: number,
  password: PfxPasswords,
): ContainerContents | BlockFailure {
  const where = `PEM block ${index + 1} (${block.label})`;
  if (block.base64 === null) return { code: "malformed", message: `${where} has no END line` };
  const der = decodeBase64(block.base64);
  if (der === null) return { code: "malformed", message: `${where} holds corrupt base64` };
  const kind = classifyDer(der);
  const expected = PKCS7_LABELS.has(block.label)
    ? "pkcs7"
    : PKCS12_LABELS.has(block.label)
      ? "pkcs12"
      : "certificate";
  if (kind.kind !== expected) {
    return { code: "malformed", message: `${where} does not hold a ${expected} structure` };
  }
  const contents = readClassified(kind, "pem", password);
  return contents.error
    ? { code: contents.error.code, message: `${where}: ${contents.error.message}` }
    : contents;
}

/** Reads every certificate-bearing PEM block; one broken block does not hide the good ones. */
function readPem(blocks: PemBlock[], password: PfxPasswords): ContainerContents {
  const certificates: DecodedCertificate[] = [];
  const keys: Uint8Array[] = [];
  let warning: string | null = null;
  let firstFailure: BlockFailure | null = null;
  let failures = 0;
  let relevant = 0;
  let onlyPkcs7 = true;
  let onlyPkcs12 = true;
  for (const [index, block] of blocks.entries()) {
    const pkcs7 = PKCS7_LABELS.has(block.label);
    const pkcs12 = PKCS12_LABELS.has(block.label);
    if (!pkcs7 && !pkcs12 && !CERTIFICATE_LABELS.has(block.label)) continue;
    relevant++;
    onlyPkcs7 &&= pkcs7;
    onlyPkcs12 &&= pkcs12;
    const result = readPemBlock(block, index, password);
    if ("certificates" in result) {
      for (const certificate of result.certificates) certificates.push(certificate);
      for (const key of result.keyPublicKeys ?? []) keys.push(key);
      warning ??= result.warning ?? null;
    } else {
      failures++;
      // A run-budget refusal is the one shown, so that the file is not remembered as broken by the cache.
      if (!firstFailure || (isRunBudgetRefusal(result) && !isRunBudgetRefusal(firstFailure))) {
        firstFailure = result;
      }
    }
  }
  if (relevant === 0) {
    const labels = [...new Set(blocks.map((b) => b.label))].join(", ");
    return failure(
      null,
      new ParseError("no_certificate", `the PEM file holds no certificate (only ${labels})`),
    );
  }
  const more = failures > 1 ? ` (and ${failures - 1} more broken blocks)` : "";
  const error = firstFailure && new ParseError(firstFailure.code, `${firstFailure.message}${more}`);
  return {
    format: onlyPkcs7 ? "pkcs7" : onlyPkcs12 ? "pkcs12" : "pem",
    certificates,
    keyPublicKeys: onlyPkcs12 ? keys : null,
    error,
    warning,
  };
}

/** Detects the container from the content (DER, PEM, bare base64, PKCS#7, PKCS#12) and reads it. */
export function readContainer(bytes: Uint8Array, password: PfxPasswords): ContainerContents {
  if (bytes[0] === 0x30) {
    const kind = classifyDer(bytes);
    if (kind.kind !== "not_asn1") return readClassified(kind, "der", password);
  }
  const text = bytesToText(bytes);
  const blocks = findPemBlocks(text);
  if (blocks.length > 0) return readPem(blocks, password);
  const der = decodeBase64(text.replace(/\s+/g, ""));
  if (der !== null && der[0] === 0x30) {
    const kind = classifyDer(der);
    if (kind.kind !== "not_asn1") return readClassified(kind, "base64", password);
  }
  return failure(
    null,
    new ParseError("no_certificate", "no certificate found (not DER, PEM, base64 or PKCS#7/#12)"),
  );
}
