import { createDecipheriv, createHash, type Decipher } from "node:crypto";
import { ParseError } from "./parse-error.js";

/**
 * Algorithms that OpenSSL 3 keeps in its legacy provider. Node loads that provider only when started with
 * `--openssl-legacy-provider`, for the whole process; the parser pool therefore sends files that need one to a
 * child process started so (see parser-pool.ts), and the rest of the process never has them.
 */
const LEGACY = /^(?:rc2|rc4|des-cbc|bf-|cast5-|idea-|seed-|md4$|whirlpool$|rc5-)/;

let legacyDemand: string | null = null;

/** The legacy algorithm the last parse could not run here, then forgets it (the pool asks after each file). */
export function takeLegacyDemand(): string | null {
  const demand = legacyDemand;
  legacyDemand = null;
  return demand;
}

function unavailable(name: string, error: unknown): ParseError {
  if (LEGACY.test(name) && /unsupported/i.test(String(error))) {
    legacyDemand = name;
    return new ParseError("unsupported", `${name} needs OpenSSL's legacy provider, which is not available`);
  }
  return new ParseError("unsupported", `${name} is not available in this Node.js build's OpenSSL`);
}

/** A native decipher, or `unsupported` naming the algorithm this process's OpenSSL lacks. */
export function nativeDecipher(name: string, key: Uint8Array, iv: Uint8Array | null): Decipher {
  try {
    return createDecipheriv(name, key, iv);
  } catch (error) {
    if (/invalid (?:key|iv) length/i.test(String(error))) {
      throw new ParseError("malformed", `${name}: the key or IV length does not fit the cipher`);
    }
    throw unavailable(name, error);
  }
}

/** Checks once that a digest can run here, so that the hot loops need no try. */
export function requireDigest(name: string): void {
  try {
    createHash(name);
  } catch (error) {
    throw unavailable(name, error);
  }
}
