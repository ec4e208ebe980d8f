import { createPrivateKey, createPublicKey } from "node:crypto";
import {
  type Asn1Block,
  childrenOf,
  contentOf,
  decodeBer,
  decodeBerOrThrow,
  encodingOf,
  expectConstructed,
  explicitOf,
  isContext,
  isUniversal,
  octetsOf,
  oidOf,
  Tag,
} from "./asn1.js";
import { type CertificateDer, decodeCertificateDer, subjectPublicKeyInfo } from "./certificate.js";
import { startFileKdfWork } from "./kdf-budget.js";
import { ParseError } from "./parse-error.js";
import { decryptPbe, WrongPassword } from "./pbe.js";
import { readMac } from "./pkcs12-mac.js";
import { type Pkcs12Password, passwordCandidates } from "./pkcs12-password.js";
import type { PfxPasswords } from "./types.js";

/** What leaves a PKCS#12: certificates, and the public halves of its private keys (the keys themselves never do). */
export interface Pkcs12Contents {
  certificates: CertificateDer[];
  keyPublicKeys: Uint8Array[];
  /** Why the file's integrity was not verified (public-key integrity mode, or no password for its MAC), else null. */
  warning: string | null;
}

const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  localKeyId: "1.2.840.113549.1.9.21",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
};

/** Nested SafeContents deeper than this are refused: real files nest once at most. */
const MAX_NESTING = 8;

/**
 * How encrypted content is opened: with the password the MAC proved (`trusted`), or by trying candidates in turn,
 * the one that worked first. `lenient` (no password given) skips what no candidate opens instead of failing.
 */
interface Opening {
  candidates: Pkcs12Password[];
  trusted: boolean;
  lenient: boolean;
  skipped: number;
}

/**
 * Decrypts and decodes: only a whole ASN.1 SEQUENCE counts as opened, because padding alone passes a wrong key
 * 1 time in 256 (and stream modes have none).
 */
function open(
  algorithm: Asn1Block | undefined,
  ciphertext: Uint8Array,
  opening: Opening,
  what: string,
): Asn1Block | null {
  for (const candidate of opening.candidates) {
    let plain: Asn1Block | null = null;
    try {
      plain = decodeBer(decryptPbe(algorithm, ciphertext, candidate), true);
    } catch (error) {
      if (!(error instanceof WrongPassword)) throw error;
    }
    if (isUniversal(plain ?? undefined, Tag.sequence)) {
      opening.candidates = [candidate, ...opening.candidates.filter((c) => c !== candidate)];
      return plain;
    }
    if (opening.trusted) {
      throw new ParseError(
        "malformed",
        `the MAC verifies but the ${what} does not decrypt: the file is corrupt`,
      );
    }
  }
  if (opening.lenient) {
    opening.skipped += 1;
    return null;
  }
  throw new WrongPassword();
}

/** The public key of a PKCS#8 PrivateKeyInfo, as SPKI DER; the private key object is dropped on return. */
function publicKeyOf(privateKeyInfo: Uint8Array): Uint8Array | null {
  try {
    const privateKey = createPrivateKey({ key: Buffer.from(privateKeyInfo), format: "der", type: "pkcs8" });
    return new Uint8Array(createPublicKey(privateKey).export({ type: "spki", format: "der" }));
  } catch {
    return null;
  }
}

/** What reading collects before the keys are resolved: certificates by localKeyId, keys not decrypted yet. */
interface Reading {
  contents: Pkcs12Contents;
  certificatesByKeyId: Map<string, CertificateDer[]>;
  deferredKeys: { keyId: string | null; algorithm: Asn1Block | undefined; ciphertext: Uint8Array }[];
}

/** The content of an `[0] IMPLICIT OCTET STRING`, primitive or BER-segmented, or `malformed`. */
function implicitOctets(block: Asn1Block, what: string): Uint8Array {
  if (!isContext(block, 0)) throw new ParseError("malformed", `${what}: expected [0] content`);
  return contentOf(block);
}

/** A SafeBag's localKeyId attribute (hex), which ties a key to its certificate; null when absent. */
function localKeyId(attributes: Asn1Block | undefined): string | null {
  if (!isUniversal(attributes, Tag.set)) return null;
  for (const attribute of childrenOf(attributes)) {
    const [type, values] = expectConstructed(attribute, Tag.sequence, "SafeBag attribute");
    if (oidOf(type, "SafeBag attribute") !== OID.localKeyId || !isUniversal(values, Tag.set)) continue;
    const [value] = childrenOf(values);
    return value ? Buffer.from(octetsOf(value, "localKeyId")).toString("hex") : null;
  }
  return null;
}

function readCertBag(value: Asn1Block | undefined, keyId: string | null, reading: Reading): void {
  const [certId, certWrapper] = expectConstructed(value, Tag.sequence, "CertBag");
  if (oidOf(certId, "CertBag") !== OID.x509Certificate) return;
  const certificate = decodeCertificateDer(octetsOf(explicitOf(certWrapper, 0), "CertBag certificate"));
  if (!certificate) throw new ParseError("malformed", "PKCS#12 certificate is broken");
  reading.contents.certificates.push(certificate);
  if (keyId !== null)
    reading.certificatesByKeyId.set(keyId, [...(reading.certificatesByKeyId.get(keyId) ?? []), certificate]);
}

function readSafeContents(safeContents: Asn1Block, opening: Opening, reading: Reading, depth: number): void {
  if (depth > MAX_NESTING)
    throw new ParseError("malformed", `SafeContents nested deeper than ${MAX_NESTING}`);
  const { contents } = reading;
  for (const bag of expectConstructed(safeContents, Tag.sequence, "SafeContents")) {
    const [bagId, wrapper, attributes] = expectConstructed(bag, Tag.sequence, "SafeBag");
    const type = oidOf(bagId, "SafeBag");
    const value = explicitOf(wrapper, 0);
    if (type === OID.certBag) readCertBag(value, localKeyId(attributes), reading);
    else if (type === OID.safeContentsBag) {
      if (value) readSafeContents(value, opening, reading, depth + 1);
    } else if (type === OID.keyBag) {
      const publicKey = value ? publicKeyOf(encodingOf(value)) : null;
      if (publicKey) contents.keyPublicKeys.push(publicKey);
    } else if (type === OID.shroudedKeyBag) {
      const [algorithm, encrypted] = expectConstructed(value, Tag.sequence, "EncryptedPrivateKeyInfo");
      const ciphertext = octetsOf(encrypted, "EncryptedPrivateKeyInfo");
      // Once the MAC has proved the password, a key's decryption can wait: its localKeyId may name its certificate.
      if (opening.trusted)
        reading.deferredKeys.push({ keyId: localKeyId(attributes), algorithm, ciphertext });
      else decryptKey(algorithm, ciphertext, opening, contents);
    }
  }
}

function decryptKey(
  algorithm: Asn1Block | undefined,
  ciphertext: Uint8Array,
  opening: Opening,
  into: Pkcs12Contents,
): void {
  const plain = open(algorithm, ciphertext, opening, "private key");
  const publicKey = plain ? publicKeyOf(encodingOf(plain)) : null;
  if (publicKey) into.keyPublicKeys.push(publicKey);
}

/** The public key of the one certificate a key's localKeyId names, else null. */
function pairedPublicKey(reading: Reading, keyId: string | null): Uint8Array | null {
  const [certificate, ...others] = keyId === null ? [] : (reading.certificatesByKeyId.get(keyId) ?? []);
  return certificate && others.length === 0 ? subjectPublicKeyInfo(certificate) : null;
}

/**
 * The keys of a MAC-verified file: a key whose localKeyId names exactly one certificate is that certificate's (as
 * Windows pairs them), which saves the costliest key derivation of a typical file; any other key is decrypted.
 */
function resolveDeferredKeys(reading: Reading, opening: Opening): void {
  for (const { keyId, algorithm, ciphertext } of reading.deferredKeys) {
    const paired = pairedPublicKey(reading, keyId);
    if (paired) reading.contents.keyPublicKeys.push(paired);
    else decryptKey(algorithm, ciphertext, opening, reading.contents);
  }
}

function readAuthenticatedSafe(
  authSafe: Uint8Array,
  opening: Opening,
  warning: string | null,
): Pkcs12Contents {
  const contents: Pkcs12Contents = { certificates: [], keyPublicKeys: [], warning };
  const reading: Reading = { contents, certificatesByKeyId: new Map(), deferredKeys: [] };
  for (const contentInfo of expectConstructed(
    decodeBerOrThrow(authSafe, "AuthenticatedSafe", true),
    Tag.sequence,
    "AuthenticatedSafe",
  )) {
    const [typeNode, wrapper] = expectConstructed(contentInfo, Tag.sequence, "PKCS#12 ContentInfo");
    const type = oidOf(typeNode, "PKCS#12 ContentInfo");
    const content = explicitOf(wrapper, 0);
    if (type === OID.data) {
      readSafeContents(
        decodeBerOrThrow(octetsOf(content, "PKCS#12 data"), "SafeContents", true),
        opening,
        reading,
        0,
      );
    } else if (type === OID.encryptedData) {
      const [, encryptedContentInfo] = expectConstructed(content, Tag.sequence, "PKCS#12 EncryptedData");
      const [, algorithm, encrypted] = expectConstructed(
        encryptedContentInfo,
        Tag.sequence,
        "EncryptedContentInfo",
      );
      if (encrypted === undefined) continue;
      const plain = open(
        algorithm,
        implicitOctets(encrypted, "EncryptedContentInfo"),
        opening,
        "certificate bag",
      );
      if (plain) readSafeContents(plain, opening, reading, 0);
    } else if (type === OID.envelopedData) {
      throw new ParseError(
        "unsupported",
        "PKCS#12 in public-key privacy mode (envelopedData) is not supported",
      );
    } else {
      throw new ParseError("unsupported", `PKCS#12 content type ${type} is not supported`);
    }
  }
  resolveDeferredKeys(reading, opening);
  if (opening.skipped > 0) {
    if (contents.certificates.length === 0) throw new WrongPassword();
    contents.warning = `${opening.skipped} encrypted part(s) skipped: no password given; the certificates shown were not encrypted`;
  }
  return contents;
}

/** The AuthenticatedSafe's bytes, and a warning when its integrity rests on a signature that is not checked. */
function authenticatedSafe(authSafeInfo: Asn1Block | undefined): {
  bytes: Uint8Array;
  warning: string | null;
} {
  const [typeNode, wrapper] = expectConstructed(authSafeInfo, Tag.sequence, "PFX authSafe");
  const type = oidOf(typeNode, "PFX authSafe");
  if (type === OID.data) return { bytes: octetsOf(explicitOf(wrapper, 0), "PFX authSafe"), warning: null };
  if (type !== OID.signedData)
    throw new ParseError("unsupported", `PFX authSafe content type ${type} is not supported`);
  const [, , encapsulated] = expectConstructed(explicitOf(wrapper, 0), Tag.sequence, "PFX SignedData");
  const [, eContent] = expectConstructed(encapsulated, Tag.sequence, "PFX SignedData content");
  return {
    bytes: octetsOf(explicitOf(eContent, 0), "PFX SignedData content"),
    warning:
      "integrity not verified: the file uses public-key integrity mode (a signature, not a password MAC)",
  };
}

function givenPasswords(passwords: PfxPasswords): string[] {
  if (passwords === undefined) return [];
  return typeof passwords === "string" ? [passwords] : [...passwords];
}

/**
 * Opens a PKCS#12 (PFX), trying passwords as OpenSSL's `pkcs12` command does: each given password (and its
 * OpenSSL 1.0.x encoding when not ASCII), then the empty password, then an absent one. `bad_password` means the
 * MAC, or the decryption's padding and structure, rejected every candidate.
 */
export function readPkcs12(pfx: Asn1Block, passwords: PfxPasswords): Pkcs12Contents {
  startFileKdfWork();
  const [, authSafeInfo, macData] = expectConstructed(pfx, Tag.sequence, "PFX");
  const { bytes, warning } = authenticatedSafe(authSafeInfo);
  const given = givenPasswords(passwords);
  const candidates = passwordCandidates(given);
  const lenient = given.length === 0;
  try {
    if (macData === undefined) {
      return readAuthenticatedSafe(bytes, { candidates, trusted: false, lenient, skipped: 0 }, warning);
    }
    const mac = readMac(macData, bytes);
    const password = candidates.find((candidate) => mac.matches(candidate));
    if (password !== undefined) {
      return readAuthenticatedSafe(
        bytes,
        { candidates: [password], trusted: true, lenient: false, skipped: 0 },
        warning,
      );
    }
    if (lenient) {
      // Certificates stored without encryption need no password; the MAC then vouches for nothing.
      const contents = readAuthenticatedSafe(
        bytes,
        { candidates: [], trusted: false, lenient, skipped: 0 },
        warning,
      );
      if (contents.certificates.length > 0) {
        contents.warning =
          "integrity not verified: no password given for the MAC; only unencrypted certificates read";
        return contents;
      }
    }
  } catch (error) {
    if (!(error instanceof WrongPassword)) throw error;
  }
  throw lenient
    ? new ParseError("password_required", "PKCS#12 file is password-protected; give --pfx-password-file")
    : new ParseError("bad_password", "the PKCS#12 password does not open this file");
}
