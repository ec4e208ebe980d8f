import type { Decrypting } from "./legacy-crypto.js";

/** The parts of node-forge's public API used here (its own typings do not declare RC2). */
interface ForgeBuffer {
  getBytes(): string;
}
interface ForgeCipher {
  start(iv: ForgeBuffer | { iv: ForgeBuffer } | null): void;
  update(input: ForgeBuffer): void;
  finish(): boolean;
  output: ForgeBuffer;
}
interface Forge {
  util: { createBuffer(bytes: string): ForgeBuffer };
  rc2: { createDecryptionCipher(key: ForgeBuffer, bits: number): ForgeCipher };
  cipher: { createDecipher(algorithm: string, key: ForgeBuffer): ForgeCipher };
}

const RC2_BITS: Record<string, number> = { "rc2-40-cbc": 40, "rc2-64-cbc": 64, "rc2-cbc": 128 };

/** RC4 (no library at hand has it; it is a dozen lines): the keystream XORed into the data. */
function rc4(key: Uint8Array): Decrypting {
  const s = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  let i = 0;
  let j = 0;
  return {
    update(data) {
      const out = Buffer.alloc(data.length);
      for (let n = 0; n < data.length; n++) {
        i = (i + 1) & 0xff;
        j = (j + s[i]!) & 0xff;
        [s[i], s[j]] = [s[j]!, s[i]!];
        out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
      }
      return out;
    },
    final: () => Buffer.alloc(0),
  };
}

/** node-forge's RC2 or DES, which check the padding only once the whole input is in. */
function forgeCbc(forge: Forge, cipher: ForgeCipher, iv: Uint8Array, isRc2: boolean): Decrypting {
  const bytes = (data: Uint8Array) => forge.util.createBuffer(Buffer.from(data).toString("latin1"));
  // forge's RC2 takes the IV itself; its generic ciphers (DES) take it in an options object.
  cipher.start(isRc2 ? bytes(iv) : { iv: bytes(iv) });
  return {
    update(data) {
      cipher.update(bytes(data));
      return Buffer.alloc(0);
    },
    final() {
      if (!cipher.finish()) throw new Error("bad decrypt");
      return Buffer.from(cipher.output.getBytes(), "latin1");
    },
  };
}

/** A pure-JS decipher for RC2 (any of OpenSSL's sizes), DES and RC4, or null for other algorithms. */
export function pureJsDecipher(
  require: NodeJS.Require,
  name: string,
  key: Uint8Array,
  iv: Uint8Array | null,
): Decrypting | null {
  if (name.startsWith("rc4")) return rc4(key);
  if (iv === null || !(name in RC2_BITS || name === "des-cbc")) return null;
  const forge = require("node-forge") as Forge;
  const forgeKey = forge.util.createBuffer(Buffer.from(key).toString("latin1"));
  const cipher =
    name === "des-cbc"
      ? forge.cipher.createDecipher("DES-CBC", forgeKey)
      : forge.rc2.createDecryptionCipher(forgeKey, RC2_BITS[name]!);
  return forgeCbc(forge, cipher, iv, name !== "des-cbc");
}
