/** A password candidate: text, or null for an absent password (an empty byte string, not an empty BMPString). */
export type Pkcs12Password = string | null;

/** The password as the PKCS#12 KDF takes it: a big-endian BMPString with a trailing NUL; absent is no bytes. */
export function bmpPassword(password: Pkcs12Password): Buffer {
  if (password === null) return Buffer.alloc(0);
  return Buffer.from(`${password}\0`, "utf16le").swap16();
}

/** The password as PBKDF1, PBKDF2 and scrypt take it: UTF-8 bytes, as OpenSSL passes them. */
export function utf8Password(password: Pkcs12Password): Buffer {
  return Buffer.from(password ?? "", "utf8");
}

/**
 * The candidates in the order OpenSSL's `pkcs12` command tries them: each given password, then (if it is not ASCII)
 * its UTF-8 bytes read as one character each, which is how OpenSSL 1.0.x encoded it; then the empty password and an
 * absent one, so that a file without a password opens whatever passwords were given.
 */
export function passwordCandidates(given: readonly string[]): Pkcs12Password[] {
  const candidates: Pkcs12Password[] = [];
  for (const password of given) {
    candidates.push(password);
    if (Buffer.byteLength(password) !== password.length)
      candidates.push(Buffer.from(password, "utf8").toString("latin1"));
  }
  candidates.push("", null);
  return [...new Set(candidates)];
}
