import { createDecipheriv, createHash, getCipherInfo } from "node:crypto";
import { createRequire } from "node:module";
import { ParseError } from "./parse-error.js";
import { pureJsDecipher } from "./pure-js-ciphers.js";

/**
 * Algorithms that OpenSSL 3 keeps in its legacy provider. Node loads that provider only when started with
 * `--openssl-legacy-provider`, and then for the whole process; the parser pool therefore sends a file that needs
 * one to a child process started so (legacy-parser.ts), and the rest of the process never has them.
 */
const LEGACY = /^(?:rc2|rc4|des-cbc|bf-|cast5-|idea-|seed-|md4$|whirlpool$)/;

/** The streaming half of a decipher that both node:crypto and the pure-JS fallback provide. */
export interface Decrypting {
  update(data: Uint8Array): Buffer;
  final(): Buffer;
}

let legacyDemand: string | null = null;
/** Off in a pool's worker threads, which hand such files to the legacy child process instead. */
let pureJsFallback = true;

/** The legacy algorithm the last parse could not run here, then forgets it (the pool asks after each file). */
export function takeLegacyDemand(): string | null {
  const demand = legacyDemand;
  legacyDemand = null;
  return demand;
}

/** True when this process's OpenSSL has the legacy provider loaded. */
export function hasLegacyProvider(): boolean {
  try {
    createDecipheriv("rc2-cbc", Buffer.alloc(16), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes legacy algorithms fail here (recording the demand) instead of running RC2, DES and RC4 in pure JavaScript:
 * a pool worker's file then goes to the child process that has OpenSSL's own implementations.
 */
export function deferLegacyToChildProcess(): void {
  pureJsFallback = false;
}

function unavailable(name: string, error: unknown): ParseError {
  if (LEGACY.test(name) && /unsupported/i.test(String(error))) {
    legacyDemand = name;
    return new ParseError("unsupported", `${name} needs OpenSSL's legacy provider, which is not available`);
  }
  return new ParseError("unsupported", `${name} is not available in this Node.js build's OpenSSL`);
}

/** A native decipher, the pure-JS one where allowed, or `unsupported` naming the algorithm. */
export function nativeDecipher(name: string, key: Uint8Array, iv: Uint8Array | null): Decrypting {
  try {
    return createDecipheriv(name, key, iv);
  } catch (error) {
    if (/invalid (?:key|iv) length/i.test(String(error))) {
      throw new ParseError("malformed", `${name}: the key or IV length does not fit the cipher`);
    }
    const fallback = pureJsFallback ? pureJsDecipher(createRequire(import.meta.url), name, key, iv) : null;
    if (fallback) return fallback;
    throw unavailable(name, error);
  }
}

/** Checks that a cipher can run here before any key is derived for it (a legacy file then moves on at once). */
export function requireCipher(name: string): void {
  const info = getCipherInfo(name);
  if (!info) throw new ParseError("unsupported", `${name} is not available in this Node.js build's OpenSSL`);
  nativeDecipher(name, Buffer.alloc(info.keyLength), info.ivLength ? Buffer.alloc(info.ivLength) : null);
}

/** Digests known to run here: a failed check is not remembered, so each one records the legacy demand. */
const availableDigests = new Set<string>();

/** Checks that a digest can run here, so that the hot loops need no try. */
export function requireDigest(name: string): void {
  if (availableDigests.has(name)) return;
  try {
    createHash(name);
  } catch (error) {
    throw unavailable(name, error);
  }
  availableDigests.add(name);
}
