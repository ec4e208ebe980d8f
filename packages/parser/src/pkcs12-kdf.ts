import { chargeKdfWork } from "./kdf-budget.js";
import { requireDigest } from "./legacy-crypto.js";
import { iteratedHash } from "./native-hash.js";
import type { Digest } from "./pbe-algorithms.js";

/** `bytes` repeated to fill a whole number of `v`-byte blocks (empty stays empty). */
function fill(bytes: Uint8Array, v: number): Buffer {
  const out = Buffer.alloc(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

/** Purpose bytes of RFC 7292 appendix B.3. */
export const Pkcs12KeyId = { key: 1, iv: 2, mac: 3 } as const;

/** RFC 7292 appendix B.2: `length` bytes of key material from a BMPString password (with its NUL). */
export function pkcs12Kdf(
  digest: Digest,
  password: Uint8Array,
  salt: Uint8Array,
  id: number,
  iterations: number,
  length: number,
): Buffer {
  const { name, u, v } = digest;
  requireDigest(name);
  const blocks = Math.ceil(length / u);
  chargeKdfWork(blocks * iterations);
  const input = Buffer.concat([Buffer.alloc(v, id), fill(salt, v), fill(password, v)]);
  const I = input.subarray(v);
  const out = Buffer.alloc(blocks * u);
  for (let block = 0; block < blocks; block++) {
    const a = iteratedHash(name, input, iterations);
    a.copy(out, block * u);
    if (block === blocks - 1) break;
    // I_j = (I_j + B + 1) mod 2^(8v), B being A repeated to v bytes.
    const b = fill(a, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += I[j + k]! + b[k]!;
        I[j + k] = carry & 0xff;
        carry >>= 8;
      }
    }
  }
  return out.subarray(0, length);
}

/** PKCS#5 v1.5 PBKDF1: the first 16 bytes of H^c(P || S) are the DES or RC2 key and IV. */
export function pbkdf1(digest: string, password: Uint8Array, salt: Uint8Array, iterations: number): Buffer {
  requireDigest(digest);
  chargeKdfWork(iterations);
  const state = iteratedHash(digest, Buffer.concat([password, salt]), iterations);
  return state.subarray(0, 16);
}
