/** OpenSSL's short names for the algorithms code-signing certificates use; others show as dotted OIDs. */
const ALGORITHM_NAMES: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.1.1.1", "rsaEncryption"],
  ["1.2.840.113549.1.1.4", "md5WithRSAEncryption"],
  ["1.2.840.113549.1.1.5", "sha1WithRSAEncryption"],
  ["1.2.840.113549.1.1.10", "rsassaPss"],
  ["1.2.840.113549.1.1.11", "sha256WithRSAEncryption"],
  ["1.2.840.113549.1.1.12", "sha384WithRSAEncryption"],
  ["1.2.840.113549.1.1.13", "sha512WithRSAEncryption"],
  ["1.2.840.113549.1.1.14", "sha224WithRSAEncryption"],
  ["1.2.840.10040.4.1", "dsaEncryption"],
  ["2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"],
  ["1.2.840.10045.2.1", "id-ecPublicKey"],
  ["1.2.840.10045.4.1", "ecdsa-with-SHA1"],
  ["1.2.840.10045.4.3.2", "ecdsa-with-SHA256"],
  ["1.2.840.10045.4.3.3", "ecdsa-with-SHA384"],
  ["1.2.840.10045.4.3.4", "ecdsa-with-SHA512"],
  ["1.3.101.112", "ED25519"],
  ["1.3.101.113", "ED448"],
]);

/** Key sizes in bits for named curves and the EdDSA algorithms. */
const KEY_BITS: ReadonlyMap<string, number> = new Map([
  ["1.2.840.10045.3.1.7", 256],
  ["1.3.132.0.34", 384],
  ["1.3.132.0.35", 521],
  ["1.3.132.0.10", 256],
  ["1.3.36.3.3.2.8.1.1.7", 256],
  ["1.3.36.3.3.2.8.1.1.11", 384],
  ["1.3.36.3.3.2.8.1.1.13", 512],
  ["1.3.101.112", 256],
  ["1.3.101.113", 456],
]);

/** The algorithm's short name, or its dotted OID when unknown. */
export function algorithmName(oid: string): string {
  return ALGORITHM_NAMES.get(oid) ?? oid;
}

/** The key size implied by a curve or EdDSA OID, or null. */
export function keyBitsForOid(oid: string): number | null {
  return KEY_BITS.get(oid) ?? null;
}
