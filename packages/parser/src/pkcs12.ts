import { createHmac, createPrivateKey, createPublicKey, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import type forgeModule from "node-forge";
import {
  type Asn1Block,
  childrenOf,
  contentOf,
  decodeBer,
  decodeBerOrThrow,
  encodingOf,
  expectConstructed,
  integerOf,
  isContext,
  isUniversal,
  oidOf,
  Tag,
} from "./asn1.js";
import { type CertificateDer, decodeCertificateDer } from "./certificate.js";
import { ParseError } from "./parse-error.js";

/** What leaves a PKCS#12: certificates, and the public halves of its private keys (the keys themselves never do). */
export interface Pkcs12Contents {
  certificates: CertificateDer[];
  keyPublicKeys: Uint8Array[];
}

/** Higher counts are refused: they are either hostile or would stall the batch for minutes. */
export const MAX_KDF_ITERATIONS = 10_000_000n;

const OID = {
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  pkcs12PbePrefix: "1.2.840.113549.1.12.1.",
};

/** MAC digests: node:crypto name and forge factory name, by OID. */
const MAC_DIGESTS: ReadonlyMap<string, "sha1" | "sha256" | "sha384" | "sha512"> = new Map([
  ["1.3.14.3.2.26", "sha1"],
  ["2.16.840.1.101.3.4.2.1", "sha256"],
  ["2.16.840.1.101.3.4.2.2", "sha384"],
  ["2.16.840.1.101.3.4.2.3", "sha512"],
]);

/** The forge calls used here, which @types/node-forge does not all declare. */
interface ForgeCipher {
  update(input: forgeModule.util.ByteStringBuffer): void;
  finish(): boolean;
  output: forgeModule.util.ByteStringBuffer;
}
type Forge = typeof forgeModule & {
  pki: {
    pbe: { getCipher(oid: string, params: forgeModule.asn1.Asn1, password: string | null): ForgeCipher };
  };
  pkcs12: {
    generateKey(
      password: string | null,
      salt: forgeModule.util.ByteStringBuffer,
      id: number,
      iterations: number,
      length: number,
      md: forgeModule.md.MessageDigest,
    ): forgeModule.util.ByteStringBuffer;
  };
};

let loadedForge: Forge | undefined;
/** forge is large and only PKCS#12 needs it: load it on first use to keep worker start-up short. */
function forge(): Forge {
  loadedForge ??= createRequire(import.meta.url)("node-forge") as Forge;
  return loadedForge;
}

const binary = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");
const fromBinary = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));

/** Thrown when a password candidate does not open the file; the next candidate is tried. */
class WrongPassword extends Error {}

function checkIterations(iterations: bigint, what: string): number {
  if (iterations > MAX_KDF_ITERATIONS) {
    throw new ParseError(
      "unsupported",
      `${what} iteration count ${iterations} exceeds ${MAX_KDF_ITERATIONS}`,
    );
  }
  if (iterations < 1n) throw new ParseError("malformed", `${what} iteration count ${iterations} is below 1`);
  return Number(iterations);
}

/** Refuses absurd KDF costs before any key derivation runs. */
function checkEncryptionParameters(oid: string, parameters: Asn1Block | undefined): void {
  if (oid === OID.pbes2) {
    const [kdf] = expectConstructed(parameters, Tag.sequence, "PBES2 parameters");
    const [kdfOid, kdfParameters] = expectConstructed(kdf, Tag.sequence, "PBES2 key derivation");
    const kdfName = oidOf(kdfOid, "PBES2 key derivation");
    if (kdfName !== OID.pbkdf2)
      throw new ParseError("unsupported", `PBES2 key derivation ${kdfName} is not supported`);
    const [, iterations] = expectConstructed(kdfParameters, Tag.sequence, "PBKDF2 parameters");
    checkIterations(integerOf(iterations, "PBKDF2 iterations"), "PBKDF2");
  } else if (oid.startsWith(OID.pkcs12PbePrefix)) {
    const [, iterations] = expectConstructed(parameters, Tag.sequence, "PKCS#12 PBE parameters");
    checkIterations(integerOf(iterations, "PKCS#12 PBE iterations"), "PKCS#12 PBE");
  } else {
    throw new ParseError("unsupported", `PKCS#12 encryption algorithm ${oid} is not supported`);
  }
}

/** Decrypts with a PBES2 or PKCS#12 PBE AlgorithmIdentifier; `trusted` means the MAC already proved the password. */
function decrypt(
  algorithm: Asn1Block | undefined,
  ciphertext: Uint8Array,
  password: string | null,
  trusted: boolean,
) {
  const [oidBlock, parameters] = expectConstructed(algorithm, Tag.sequence, "PKCS#12 encryption algorithm");
  const oid = oidOf(oidBlock, "PKCS#12 encryption algorithm");
  checkEncryptionParameters(oid, parameters);
  const f = forge();
  // PBES2 feeds the password to PBKDF2 as UTF-8 bytes; the PKCS#12 KDF takes it as a BMPString.
  const secret = oid === OID.pbes2 ? f.util.encodeUtf8(password ?? "") : password;
  let cipher: ForgeCipher;
  try {
    const forgeParameters = f.asn1.fromDer(binary(encodingOf(parameters as Asn1Block)));
    cipher = f.pki.pbe.getCipher(oid, forgeParameters, secret);
  } catch (error) {
    throw new ParseError("unsupported", `PKCS#12 encryption: ${(error as Error).message}`);
  }
  cipher.update(f.util.createBuffer(binary(ciphertext)));
  if (!cipher.finish()) throw new WrongPassword();
  const plain = fromBinary(cipher.output.getBytes());
  if (!trusted && decodeBer(plain) === null) throw new WrongPassword();
  return plain;
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

function readSafeContents(
  bytes: Uint8Array,
  password: string | null,
  trusted: boolean,
  into: Pkcs12Contents,
): void {
  for (const bag of expectConstructed(
    decodeBerOrThrow(bytes, "SafeContents"),
    Tag.sequence,
    "SafeContents",
  )) {
    const [bagId, wrapper] = expectConstructed(bag, Tag.sequence, "SafeBag");
    const type = oidOf(bagId, "SafeBag");
    const value = isContext(wrapper, 0) ? childrenOf(wrapper)[0] : undefined;
    if (type === OID.certBag) {
      const [certId, certWrapper] = expectConstructed(value, Tag.sequence, "CertBag");
      if (oidOf(certId, "CertBag") !== OID.x509Certificate || !isContext(certWrapper, 0)) continue;
      const octets = childrenOf(certWrapper)[0];
      if (!isUniversal(octets, Tag.octetString)) throw new ParseError("malformed", "CertBag: no certificate");
      const certificate = decodeCertificateDer(contentOf(octets));
      if (!certificate) throw new ParseError("malformed", "PKCS#12 certificate is broken");
      into.certificates.push(certificate);
    } else if (type === OID.keyBag || type === OID.shroudedKeyBag) {
      let privateKeyInfo = encodingOf(value ?? bag);
      if (type === OID.shroudedKeyBag) {
        const [algorithm, encrypted] = expectConstructed(value, Tag.sequence, "EncryptedPrivateKeyInfo");
        if (!isUniversal(encrypted, Tag.octetString))
          throw new ParseError("malformed", "EncryptedPrivateKeyInfo");
        privateKeyInfo = decrypt(algorithm, contentOf(encrypted), password, trusted);
      }
      const publicKey = publicKeyOf(privateKeyInfo);
      if (publicKey) into.keyPublicKeys.push(publicKey);
    }
  }
}

function readAuthenticatedSafe(bytes: Uint8Array, password: string | null, trusted: boolean): Pkcs12Contents {
  const contents: Pkcs12Contents = { certificates: [], keyPublicKeys: [] };
  const safe = expectConstructed(
    decodeBerOrThrow(bytes, "AuthenticatedSafe"),
    Tag.sequence,
    "AuthenticatedSafe",
  );
  for (const contentInfo of safe) {
    const [typeBlock, wrapper] = expectConstructed(contentInfo, Tag.sequence, "PKCS#12 ContentInfo");
    const type = oidOf(typeBlock, "PKCS#12 ContentInfo");
    const content = isContext(wrapper, 0) ? childrenOf(wrapper)[0] : undefined;
    if (type === OID.data) {
      if (!isUniversal(content, Tag.octetString))
        throw new ParseError("malformed", "PKCS#12 data: no content");
      readSafeContents(contentOf(content), password, trusted, contents);
    } else if (type === OID.encryptedData) {
      const [, encryptedContentInfo] = expectConstructed(content, Tag.sequence, "PKCS#12 EncryptedData");
      const [, algorithm, encrypted] = expectConstructed(
        encryptedContentInfo,
        Tag.sequence,
        "EncryptedContentInfo",
      );
      if (!isContext(encrypted, 0)) continue;
      readSafeContents(
        decrypt(algorithm, contentOf(encrypted), password, trusted),
        password,
        trusted,
        contents,
      );
    } else {
      throw new ParseError(
        "unsupported",
        `PKCS#12 content type ${type} (public-key privacy) is not supported`,
      );
    }
  }
  return contents;
}

/** True when the MacData verifies with this password. */
function macMatches(macData: Asn1Block, authSafe: Uint8Array, password: string | null): boolean {
  const [digestInfo, salt, iterationsBlock] = expectConstructed(macData, Tag.sequence, "MacData");
  const [algorithm, digest] = expectConstructed(digestInfo, Tag.sequence, "MacData digest");
  const digestOid = oidOf(expectConstructed(algorithm, Tag.sequence, "MacData digest")[0], "MacData digest");
  const hash = MAC_DIGESTS.get(digestOid);
  if (!hash) throw new ParseError("unsupported", `PKCS#12 MAC digest ${digestOid} is not supported`);
  if (!isUniversal(salt, Tag.octetString) || !isUniversal(digest, Tag.octetString)) {
    throw new ParseError("malformed", "MacData: unexpected ASN.1 structure");
  }
  const iterations = iterationsBlock
    ? checkIterations(integerOf(iterationsBlock, "MAC iterations"), "MAC")
    : 1;
  const f = forge();
  const md = f.md[hash].create();
  const key = f.pkcs12.generateKey(
    password,
    f.util.createBuffer(binary(contentOf(salt))),
    3,
    iterations,
    md.digestLength,
    md,
  );
  const expected = contentOf(digest);
  const actual = createHmac(hash, Buffer.from(key.getBytes(), "latin1")).update(authSafe).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Opens a PKCS#12 (PFX). Without a password, both encodings of "no password" are tried (an empty
 * BMPString and an absent one), as OpenSSL and Windows do.
 */
export function readPkcs12(pfx: Asn1Block, password: string | undefined): Pkcs12Contents {
  const [, authSafeInfo, macData] = expectConstructed(pfx, Tag.sequence, "PFX");
  const [, wrapper] = expectConstructed(authSafeInfo, Tag.sequence, "PFX authSafe");
  const octets = isContext(wrapper, 0) ? childrenOf(wrapper)[0] : undefined;
  if (!isUniversal(octets, Tag.octetString)) {
    throw new ParseError("unsupported", "PKCS#12 in public-key integrity mode is not supported");
  }
  const authSafe = contentOf(octets);
  const candidates = password === undefined || password === "" ? ["", null] : [password];
  for (const candidate of candidates) {
    const trusted = macData !== undefined;
    if (trusted && !macMatches(macData, authSafe, candidate)) continue;
    try {
      return readAuthenticatedSafe(authSafe, candidate, trusted);
    } catch (error) {
      if (!(error instanceof WrongPassword)) throw error;
    }
  }
  throw password === undefined
    ? new ParseError("password_required", "PKCS#12 file is password-protected; give --pfx-password-file")
    : new ParseError("bad_password", "the PKCS#12 password does not open this file");
}
