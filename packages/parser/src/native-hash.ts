import { hash } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The optional addon (packages/parser/native): H^count(input) in one call to the running Node's OpenSSL. */
interface IteratedHashAddon {
  iteratedHash(name: string, input: Uint8Array, count: number): Buffer;
}

/**
 * Where the addon is built: `native/` beside `src/` and `dist/` here, and beside the flat `dist/` of the published
 * package, whose install script builds it.
 */
const ADDON_PATH = new URL("../native/build/Release/iterated_hash.node", import.meta.url);

/** Set to `off`, the JavaScript loop runs even where the addon is built. */
export const NATIVE_SWITCH = "INTUNE_CODESIGN_NATIVE";

let addon: IteratedHashAddon | null | undefined;

/** The addon, loaded on first use; null when switched off, never built, or unloadable in this Node.js. */
function loadAddon(): IteratedHashAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env[NATIVE_SWITCH] === "off") return addon;
  try {
    addon = createRequire(import.meta.url)(fileURLToPath(ADDON_PATH)) as IteratedHashAddon;
  } catch {
    // Absent (no compiler at install) or built for another platform: the JavaScript loop gives the same bytes.
  }
  return addon;
}

/** True when iterated hashes run in the addon (what the tests and the install check ask). */
export function nativeHashLoaded(): boolean {
  return loadAddon() !== null;
}

/**
 * H^count(input) in JavaScript, one `crypto.hash` call a round (Node has no native iterated hash). Each round's
 * digest comes back as a latin1 string written into one buffer: on Node 20 that costs about 0.32 µs a round,
 * against 0.62 µs for a Buffer digest and 1.07 µs for `createHash().update().digest()`; a pure-JS SHA-256 over
 * words took 0.41 µs (OpenSSL's own loop in the addon, with the CPU's SHA extensions, 0.08 µs).
 */
export function jsIteratedHash(name: string, input: Uint8Array, count: number): Buffer {
  const state = Buffer.from(hash(name, input, "buffer"));
  for (let round = 1; round < count; round++) state.write(hash(name, state, "binary"), 0, "latin1");
  return state;
}

/** H^count(input): the first round over the input, each next one over the previous digest. */
export function iteratedHash(name: string, input: Uint8Array, count: number): Buffer {
  const native = loadAddon();
  if (native) {
    try {
      return native.iteratedHash(name, input, count);
    } catch {
      // A digest node:crypto runs but OpenSSL's fetch by this name does not: the loop below gives the same bytes.
    }
  }
  return jsIteratedHash(name, input, count);
}
