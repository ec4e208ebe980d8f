import { getCipherInfo, hash, pbkdf2Sync, scryptSync } from "node:crypto";
import {
  type Asn1Block,
  algorithmOf,
  expectConstructed,
  isUniversal,
  octetsOf,
  Tag,
  unsignedIntegerOf,
} from "./asn1.js";
import { chargeKdfWork, checkIterations, MAX_KDF_ITERATIONS } from "./kdf-budget.js";
import { nativeDecipher, requireCipher, requireDigest } from "./legacy-crypto.js";
import { ParseError } from "./parse-error.js";
import {
  DIGESTS,
  FIXED_PBES,
  PBE_OID,
  PBES2_CIPHERS,
  PRFS,
  rc2CipherName,
  rc2EffectiveBits,
} from "./pbe-algorithms.js";
import { Pkcs12KeyId, pbkdf1, pkcs12Kdf } from "./pkcs12-kdf.js";
import { bmpPassword, type Pkcs12Password, utf8Password } from "./pkcs12-password.js";

/** Thrown when a candidate password does not decrypt (bad padding): the next candidate is tried. */
export class WrongPassword extends Error {}

/** A cipher with its key and IV, ready to decrypt. */
interface Keyed {
  cipher: string;
  key: Buffer;
  iv: Buffer | null;
}

/** scrypt may use at most this much memory (128·N·r bytes): twice OpenSSL's own default limit. */
const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024;

/** A PBES2 cipher, its IV, and the key size in bytes its parameters imply (RC2's version, CAST5's keyLength). */
interface CipherSetup {
  cipher: string;
  iv: Buffer | null;
  keyLength: number | undefined;
}

/** Reads a PBES2 encryption scheme: the cipher, its IV and the key size its parameters imply. */
function cipherSetup(node: Asn1Block | undefined): CipherSetup {
  const { oid, parameters } = algorithmOf(node, "PBES2 encryption scheme");
  const cipher = PBES2_CIPHERS.get(oid);
  if (!cipher) throw new ParseError("unsupported", `PBES2 encryption scheme ${oid} is not supported`);
  if (cipher.endsWith("-ecb")) return { cipher, iv: null, keyLength: undefined };
  if (cipher === "rc2-cbc" && isUniversal(parameters, Tag.sequence)) {
    const fields = expectConstructed(parameters, Tag.sequence, "RC2 parameters");
    const [version, iv] = fields.length === 2 ? fields : [undefined, fields[0]];
    // RFC 8018: an absent version means 32 effective bits, which OpenSSL cannot run either.
    const bits = version ? rc2EffectiveBits(Number(unsignedIntegerOf(version, "RC2 parameter version"))) : 32;
    const name = bits === null ? null : rc2CipherName(bits);
    if (!name)
      throw new ParseError(
        "unsupported",
        `RC2 with ${bits ?? "unknown"} effective key bits is not supported`,
      );
    return { cipher: name, iv: Buffer.from(octetsOf(iv, "RC2 IV")), keyLength: (bits ?? 0) / 8 };
  }
  if (cipher === "cast5-cbc" && isUniversal(parameters, Tag.sequence)) {
    const [iv, bits] = expectConstructed(parameters, Tag.sequence, "CAST5 parameters");
    const keyLength = Number(unsignedIntegerOf(bits, "CAST5 key length")) / 8;
    return { cipher, iv: Buffer.from(octetsOf(iv, "CAST5 IV")), keyLength };
  }
  return { cipher, iv: Buffer.from(octetsOf(parameters, `${cipher} IV`)), keyLength: undefined };
}

/** The digest's output length, which also proves that this process's OpenSSL has it. */
function digestLength(name: string): number {
  requireDigest(name);
  return hash(name, "", "buffer").length;
}

function pbkdf2Key(
  parameters: Asn1Block | undefined,
  password: Pkcs12Password,
  keyLength: number | undefined,
  cipher: string,
) {
  const [salt, iterationsNode, ...rest] = expectConstructed(parameters, Tag.sequence, "PBKDF2 parameters");
  if (!isUniversal(salt, Tag.octetString)) {
    throw new ParseError("unsupported", "PBKDF2 with a salt from another source is not supported");
  }
  const iterations = checkIterations(unsignedIntegerOf(iterationsNode, "PBKDF2 iterations"), "PBKDF2");
  const lengthNode = rest.find((node) => isUniversal(node, Tag.integer));
  const prfNode = rest.find((node) => isUniversal(node, Tag.sequence));
  const prfOid = prfNode ? algorithmOf(prfNode, "PBKDF2 PRF").oid : "1.2.840.113549.2.7";
  const prf = PRFS.get(prfOid);
  if (!prf) throw new ParseError("unsupported", `PBKDF2 PRF ${prfOid} is not supported`);
  const length = lengthNode
    ? Number(unsignedIntegerOf(lengthNode, "PBKDF2 key length"))
    : (keyLength ?? getCipherInfo(cipher)?.keyLength ?? 0);
  if (length < 1 || length > 1024) throw new ParseError("malformed", `PBKDF2 key length ${length}`);
  chargeKdfWork(iterations * Math.ceil(length / digestLength(prf)));
  return pbkdf2Sync(utf8Password(password), octetsOf(salt, "PBKDF2 salt"), iterations, length, prf);
}

function scryptKey(
  parameters: Asn1Block | undefined,
  password: Pkcs12Password,
  keyLength: number | undefined,
  cipher: string,
) {
  const [salt, costNode, blockNode, parallelNode, lengthNode] = expectConstructed(
    parameters,
    Tag.sequence,
    "scrypt parameters",
  );
  const [N, r, p] = [costNode, blockNode, parallelNode].map((node) =>
    unsignedIntegerOf(node, "scrypt parameters"),
  ) as [bigint, bigint, bigint];
  if (N < 2n || (N & (N - 1n)) !== 0n || r < 1n || p < 1n) {
    throw new ParseError("malformed", `scrypt parameters N=${N} r=${r} p=${p} are invalid`);
  }
  const memory = 128n * N * r;
  if (memory > BigInt(MAX_SCRYPT_MEMORY)) {
    throw new ParseError(
      "unsupported",
      `scrypt N=${N} r=${r} needs ${memory} bytes; the limit is ${MAX_SCRYPT_MEMORY}`,
    );
  }
  const work = 2n * N * r * p;
  if (work > BigInt(MAX_KDF_ITERATIONS)) {
    throw new ParseError("unsupported", `scrypt cost 2·N·r·p = ${work} exceeds ${MAX_KDF_ITERATIONS}`);
  }
  const length = lengthNode
    ? Number(unsignedIntegerOf(lengthNode, "scrypt key length"))
    : (keyLength ?? getCipherInfo(cipher)?.keyLength ?? 0);
  if (length < 1 || length > 1024) throw new ParseError("malformed", `scrypt key length ${length}`);
  chargeKdfWork(Number(work));
  return scryptSync(utf8Password(password), octetsOf(salt, "scrypt salt"), length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024,
  });
}

/** PBES2 (RFC 8018): PBKDF2 or scrypt, then any cipher OpenSSL has. */
function pbes2(parameters: Asn1Block | undefined, password: Pkcs12Password): Keyed {
  const [kdfNode, schemeNode] = expectConstructed(parameters, Tag.sequence, "PBES2 parameters");
  const kdf = algorithmOf(kdfNode, "PBES2 key derivation");
  const { cipher, iv, keyLength } = cipherSetup(schemeNode);
  requireCipher(cipher);
  if (kdf.oid === PBE_OID.pbkdf2)
    return { cipher, iv, key: pbkdf2Key(kdf.parameters, password, keyLength, cipher) };
  if (kdf.oid === PBE_OID.scrypt)
    return { cipher, iv, key: scryptKey(kdf.parameters, password, keyLength, cipher) };
  throw new ParseError("unsupported", `PBES2 key derivation ${kdf.oid} is not supported`);
}

/** The PKCS#12 PBEs and PKCS#5 v1.5 PBES1, whose OID fixes digest and cipher. */
function fixedPbe(oid: string, parameters: Asn1Block | undefined, password: Pkcs12Password): Keyed {
  const scheme = FIXED_PBES.get(oid);
  if (!scheme) throw new ParseError("unsupported", `PKCS#12 encryption algorithm ${oid} is not supported`);
  const [saltNode, iterationsNode] = expectConstructed(parameters, Tag.sequence, "PBE parameters");
  const salt = octetsOf(saltNode, "PBE salt");
  const iterations = checkIterations(unsignedIntegerOf(iterationsNode, "PBE iterations"), "PBE");
  const { cipher, keyLength } = scheme;
  requireCipher(cipher);
  if (scheme.kdf === "pbkdf1") {
    if (scheme.digest === "md2") throw new ParseError("unsupported", "PBES1 with MD2 is not supported");
    const derived = pbkdf1(scheme.digest, utf8Password(password), salt, iterations);
    return { cipher, key: derived.subarray(0, 8), iv: derived.subarray(8, 16) };
  }
  const sha1 = DIGESTS.get("1.3.14.3.2.26")!;
  const secret = bmpPassword(password);
  const key = pkcs12Kdf(sha1, secret, salt, Pkcs12KeyId.key, iterations, keyLength);
  const iv = cipher.startsWith("rc4") ? null : pkcs12Kdf(sha1, secret, salt, Pkcs12KeyId.iv, iterations, 8);
  return { cipher, key, iv };
}

/**
 * Decrypts with a PKCS#12 or PKCS#5 AlgorithmIdentifier. Bad padding is `WrongPassword`; an algorithm that cannot
 * run is `unsupported` naming it. Stream modes have no padding: the caller's structure check decides.
 */
export function decryptPbe(
  algorithmNode: Asn1Block | undefined,
  ciphertext: Uint8Array,
  password: Pkcs12Password,
): Buffer {
  const { oid, parameters } = algorithmOf(algorithmNode, "PKCS#12 encryption algorithm");
  const { cipher, key, iv } =
    oid === PBE_OID.pbes2 ? pbes2(parameters, password) : fixedPbe(oid, parameters, password);
  const decipher = nativeDecipher(cipher, key, iv);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new WrongPassword();
  }
}
