/**
 * The algorithm tables of PKCS#12 and PKCS#5: OIDs to the names OpenSSL (node:crypto) knows them by. Everything
 * OpenSSL can read is listed; an OID missing here is refused `unsupported` with its dotted form.
 */

/** A digest: OpenSSL's name, its output length `u` and its block length `v` (RFC 7292 appendix B needs both). */
export interface Digest {
  name: string;
  u: number;
  v: number;
}

const digest = (name: string, u: number, v: number): Digest => ({ name, u, v });

/** Message digests by OID: MACs, PKCS#12 PBEs and PBES1. */
export const DIGESTS: ReadonlyMap<string, Digest> = new Map([
  ["1.2.840.113549.2.2", digest("md2", 16, 16)],
  ["1.2.840.113549.2.4", digest("md4", 16, 64)],
  ["1.2.840.113549.2.5", digest("md5", 16, 64)],
  ["1.3.14.3.2.26", digest("sha1", 20, 64)],
  ["2.16.840.1.101.3.4.2.4", digest("sha224", 28, 64)],
  ["2.16.840.1.101.3.4.2.1", digest("sha256", 32, 64)],
  ["2.16.840.1.101.3.4.2.2", digest("sha384", 48, 128)],
  ["2.16.840.1.101.3.4.2.3", digest("sha512", 64, 128)],
  ["2.16.840.1.101.3.4.2.5", digest("sha512-224", 28, 128)],
  ["2.16.840.1.101.3.4.2.6", digest("sha512-256", 32, 128)],
  ["2.16.840.1.101.3.4.2.7", digest("sha3-224", 28, 144)],
  ["2.16.840.1.101.3.4.2.8", digest("sha3-256", 32, 136)],
  ["2.16.840.1.101.3.4.2.9", digest("sha3-384", 48, 104)],
  ["2.16.840.1.101.3.4.2.10", digest("sha3-512", 64, 72)],
  ["1.2.156.10197.1.401", digest("sm3", 32, 64)],
  ["1.3.36.3.2.1", digest("ripemd160", 20, 64)],
  ["1.0.10118.3.0.55", digest("whirlpool", 64, 64)],
]);

/** PBKDF2 PRFs (HMAC with a digest) by OID; hmacWithSHA1 is the default when the PRF is absent. */
export const PRFS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.2.6", "md5"],
  ["1.2.840.113549.2.7", "sha1"],
  ["1.2.840.113549.2.8", "sha224"],
  ["1.2.840.113549.2.9", "sha256"],
  ["1.2.840.113549.2.10", "sha384"],
  ["1.2.840.113549.2.11", "sha512"],
  ["1.2.840.113549.2.12", "sha512-224"],
  ["1.2.840.113549.2.13", "sha512-256"],
  ["2.16.840.1.101.3.4.2.13", "sha3-224"],
  ["2.16.840.1.101.3.4.2.14", "sha3-256"],
  ["2.16.840.1.101.3.4.2.15", "sha3-384"],
  ["2.16.840.1.101.3.4.2.16", "sha3-512"],
  ["1.2.156.10197.1.401.3.1", "sm3"],
]);

/** The PBES2 encryption schemes (RFC 8018 appendix B.2 and the ciphers OpenSSL adds) by OID. */
export const PBES2_CIPHERS: ReadonlyMap<string, string> = new Map([
  ["1.3.14.3.2.7", "des-cbc"],
  ["1.2.840.113549.3.7", "des-ede3-cbc"],
  ["1.2.840.113549.3.2", "rc2-cbc"],
  ["2.16.840.1.101.3.4.1.1", "aes-128-ecb"],
  ["2.16.840.1.101.3.4.1.2", "aes-128-cbc"],
  ["2.16.840.1.101.3.4.1.3", "aes-128-ofb"],
  ["2.16.840.1.101.3.4.1.4", "aes-128-cfb"],
  ["2.16.840.1.101.3.4.1.21", "aes-192-ecb"],
  ["2.16.840.1.101.3.4.1.22", "aes-192-cbc"],
  ["2.16.840.1.101.3.4.1.23", "aes-192-ofb"],
  ["2.16.840.1.101.3.4.1.24", "aes-192-cfb"],
  ["2.16.840.1.101.3.4.1.41", "aes-256-ecb"],
  ["2.16.840.1.101.3.4.1.42", "aes-256-cbc"],
  ["2.16.840.1.101.3.4.1.43", "aes-256-ofb"],
  ["2.16.840.1.101.3.4.1.44", "aes-256-cfb"],
  ["1.2.392.200011.61.1.1.1.2", "camellia-128-cbc"],
  ["1.2.392.200011.61.1.1.1.3", "camellia-192-cbc"],
  ["1.2.392.200011.61.1.1.1.4", "camellia-256-cbc"],
  ["1.2.410.200046.1.1.2", "aria-128-cbc"],
  ["1.2.410.200046.1.1.7", "aria-192-cbc"],
  ["1.2.410.200046.1.1.12", "aria-256-cbc"],
  ["1.2.156.10197.1.104.2", "sm4-cbc"],
  ["1.3.6.1.4.1.3029.1.2", "bf-cbc"],
  ["1.2.840.113533.7.66.10", "cast5-cbc"],
  ["1.3.6.1.4.1.188.7.1.1.2", "idea-cbc"],
  ["1.2.410.200004.1.4", "seed-cbc"],
]);

/** A password-based scheme whose key derivation and cipher the OID fixes (PKCS#12 appendix C, PKCS#5 v1.5). */
export interface FixedPbe {
  /** `pkcs12`: RFC 7292 appendix B over the digest; `pbkdf1`: PKCS#5 v1.5. */
  kdf: "pkcs12" | "pbkdf1";
  digest: string;
  cipher: string;
  keyLength: number;
}

const pbe = (kdf: FixedPbe["kdf"], digest: string, cipher: string, keyLength: number): FixedPbe => ({
  kdf,
  digest,
  cipher,
  keyLength,
});

/** The PKCS#12 PBEs (1.2.840.113549.1.12.1.x) and the PKCS#5 v1.5 PBES1 schemes (1.2.840.113549.1.5.x). */
export const FIXED_PBES: ReadonlyMap<string, FixedPbe> = new Map([
  ["1.2.840.113549.1.12.1.1", pbe("pkcs12", "sha1", "rc4", 16)],
  ["1.2.840.113549.1.12.1.2", pbe("pkcs12", "sha1", "rc4-40", 5)],
  ["1.2.840.113549.1.12.1.3", pbe("pkcs12", "sha1", "des-ede3-cbc", 24)],
  ["1.2.840.113549.1.12.1.4", pbe("pkcs12", "sha1", "des-ede-cbc", 16)],
  ["1.2.840.113549.1.12.1.5", pbe("pkcs12", "sha1", "rc2-cbc", 16)],
  ["1.2.840.113549.1.12.1.6", pbe("pkcs12", "sha1", "rc2-40-cbc", 5)],
  ["1.2.840.113549.1.5.1", pbe("pbkdf1", "md2", "des-cbc", 8)],
  ["1.2.840.113549.1.5.4", pbe("pbkdf1", "md2", "rc2-64-cbc", 8)],
  ["1.2.840.113549.1.5.3", pbe("pbkdf1", "md5", "des-cbc", 8)],
  ["1.2.840.113549.1.5.6", pbe("pbkdf1", "md5", "rc2-64-cbc", 8)],
  ["1.2.840.113549.1.5.10", pbe("pbkdf1", "sha1", "des-cbc", 8)],
  ["1.2.840.113549.1.5.11", pbe("pbkdf1", "sha1", "rc2-64-cbc", 8)],
]);

/** OIDs named in messages. */
export const PBE_OID = {
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  pbmac1: "1.2.840.113549.1.5.14",
  scrypt: "1.3.6.1.4.1.11591.4.11",
} as const;

/** RC2's effective key bits by RFC 8018 "RC2 parameter version" (values ≥ 256 are the bits themselves). */
export function rc2EffectiveBits(version: number): number | null {
  if (version >= 256) return version;
  return ({ 160: 40, 120: 64, 58: 128 } as Record<number, number>)[version] ?? null;
}

/** OpenSSL's RC2 cipher for an effective key size (node:crypto cannot set the size directly). */
export function rc2CipherName(effectiveBits: number): string | null {
  return (
    ({ 40: "rc2-40-cbc", 64: "rc2-64-cbc", 128: "rc2-cbc" } as Record<number, string>)[effectiveBits] ?? null
  );
}
