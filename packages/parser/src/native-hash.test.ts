import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsIteratedHash, NATIVE_SWITCH, iteratedHash as parserIteratedHash } from "./native-hash.js";
import { DIGESTS } from "./pbe-algorithms.js";

const ADDON = fileURLToPath(new URL("../native/build/Release/iterated_hash.node", import.meta.url));
const BUILT = new URL("../dist/", import.meta.url).href;

interface Addon {
  iteratedHash(name: unknown, input: unknown, count: unknown): Buffer;
}
const addon = (): Addon => createRequire(import.meta.url)(ADDON) as Addon;

/** The parser's KDF module and switch as a fresh import sees them with the switch set (or not). */
async function freshKdf(native: boolean) {
  vi.resetModules();
  vi.stubEnv(NATIVE_SWITCH, native ? undefined : "off");
  const [kdf, hash] = await Promise.all([import("./pkcs12-kdf.js"), import("./native-hash.js")]);
  return { ...kdf, nativeHashLoaded: hash.nativeHashLoaded };
}
afterEach(() => {
  vi.unstubAllEnvs();
});

const supported = (name: string) => {
  try {
    createHash(name);
    return true;
  } catch {
    return false;
  }
};
const DIGEST_NAMES = [...new Set([...DIGESTS.values()].map((digest) => digest.name))];
// Lengths around the block sizes (64, 128, 136, 144) and an empty input.
const INPUTS = [0, 1, 20, 63, 64, 65, 127, 137, 145, 301].map((length) =>
  Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length) & 0xff)),
);

/** BMPString with its NUL, as RFC 7292 appendix B.1 feeds a password to the KDF. */
const bmp = (password: string) => Buffer.from(`${password}\0`, "utf16le").swap16();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** `openssl kdf` (OpenSSL 3's own KDFs): the known answer. */
function opensslKdf(
  kdf: string,
  digest: string,
  pass: Buffer,
  salt: Buffer,
  iter: number,
  keylen: number,
  id?: number,
) {
  const args = [
    "kdf",
    "-keylen",
    String(keylen),
    "-kdfopt",
    `digest:${digest}`,
    "-kdfopt",
    `hexpass:${hex(pass)}`,
  ];
  args.push("-kdfopt", `hexsalt:${hex(salt)}`, "-kdfopt", `iter:${iter}`);
  if (id !== undefined) args.push("-kdfopt", `id:${id}`);
  if (kdf === "PBKDF1") args.push("-provider", "legacy", "-provider", "default");
  return execFileSync("openssl", [...args, kdf], { encoding: "utf8" })
    .trim()
    .replaceAll(":", "")
    .toLowerCase();
}

describe("the native iterated-hash addon", () => {
  it("is built and loaded here (the workspace build compiles it; INTUNE_CODESIGN_NATIVE=off turns it off)", async () => {
    expect((await freshKdf(true)).nativeHashLoaded()).toBe(true);
    expect((await freshKdf(false)).nativeHashLoaded()).toBe(false);
  });

  it("equals the JavaScript loop for every digest this Node.js runs, over odd lengths and counts", () => {
    const runnable = DIGEST_NAMES.filter(supported);
    expect(runnable).toEqual(expect.arrayContaining(["sha1", "sha256", "sha512-224", "sha3-512", "md5"]));
    const { iteratedHash } = addon();
    for (const name of runnable) {
      for (const input of INPUTS) {
        for (const count of [1, 2, 1000]) {
          expect([name, input.length, count, hex(iteratedHash(name, input, count))]).toEqual([
            name,
            input.length,
            count,
            hex(jsIteratedHash(name, input, count)),
          ]);
        }
      }
    }
  });

  it("runs the legacy provider's digests in a process started with --openssl-legacy-provider (MD4)", () => {
    const script = `
      import { createRequire } from "node:module";
      const { jsIteratedHash } = await import(${JSON.stringify(`${BUILT}native-hash.js`)});
      const { iteratedHash } = createRequire(import.meta.url)(${JSON.stringify(ADDON)});
      const input = Buffer.from("legacy provider");
      process.stdout.write(JSON.stringify([iteratedHash("md4", input, 1000).toString("hex"), jsIteratedHash("md4", input, 1000).toString("hex")]));
    `;
    const [native, js] = JSON.parse(
      execFileSync(process.execPath, ["--openssl-legacy-provider", "--input-type=module", "-e", script], {
        encoding: "utf8",
      }),
    ) as [string, string];
    expect(native).toMatch(/^[0-9a-f]{32}$/);
    expect(native).toBe(js);
  });

  it("refuses bad arguments and an unknown digest with a JavaScript error", () => {
    const { iteratedHash } = addon();
    const input = Buffer.from("x");
    const count = "iteratedHash: the count must be an integer from 1 to 2^31-1";
    for (const bad of [0, -1, 1.5, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY, "3"]) {
      expect(() => iteratedHash("sha256", input, bad)).toThrow(new TypeError(count));
    }
    expect(() => iteratedHash("sha256", "x", 1)).toThrow(
      new TypeError("iteratedHash: the input must be a Uint8Array"),
    );
    expect(() => iteratedHash("sha256", new Uint16Array(4), 1)).toThrow(/must be a Uint8Array/);
    expect(() => iteratedHash(256, input, 1)).toThrow(
      new TypeError("iteratedHash: the digest name must be a string"),
    );
    expect(() => iteratedHash("", input, 1)).toThrow(/empty or too long/);
    expect(() => iteratedHash("md4", input, 1)).toThrow(
      new Error("iteratedHash: digest md4 is not available in this OpenSSL"),
    );
    expect(() => iteratedHash("no-such-digest", input, 1)).toThrow(/digest no-such-digest is not available/);
  });

  it("hands a digest the addon refuses to the JavaScript loop, whose error the caller sees as before", () => {
    expect(() => parserIteratedHash("no-such-digest", Buffer.from("x"), 2)).toThrow(
      "error:0308010C:digital envelope routines::unsupported",
    );
  });
});

describe.each([
  ["native", true],
  ["JavaScript", false],
])("the key derivations over the %s iterated hash", (_, native) => {
  const salt = Buffer.from("0a1b2c3d4e5f6071", "hex");
  const oddSalt = Buffer.from("a1b2c3d4e5f60", "hex");

  it.each([
    ["sha256", 32, 64, bmp("secret"), salt, 3, 2048, 32],
    ["sha1", 20, 64, bmp("pässwörd"), oddSalt, 1, 1000, 24],
    ["sha1", 20, 64, bmp("pässwörd"), oddSalt, 2, 1000, 8],
    ["sha512", 64, 128, bmp("a longer password, longer than one block of SHA-512 input"), salt, 3, 600, 64],
    ["sha3-256", 32, 136, bmp("sha3"), salt, 3, 100, 32],
    ["md5", 16, 64, bmp(""), salt, 1, 1, 40],
  ])(
    "RFC 7292 appendix B with %s gives what openssl kdf PKCS12KDF gives",
    async (name, u, v, pass, s, id, iter, len) => {
      const { pkcs12Kdf, nativeHashLoaded } = await freshKdf(native);
      expect(nativeHashLoaded()).toBe(native);
      expect(hex(pkcs12Kdf({ name, u, v }, pass, s, id, iter, len))).toBe(
        opensslKdf("PKCS12KDF", name, pass, s, iter, len, id),
      );
    },
  );

  it.each([
    ["md5", 1],
    ["sha1", 1000],
  ])("PBKDF1 with %s gives what openssl kdf PBKDF1 gives", async (name, iter) => {
    const { pbkdf1, nativeHashLoaded } = await freshKdf(native);
    expect(nativeHashLoaded()).toBe(native);
    const pass = Buffer.from("pässwörd");
    expect(hex(pbkdf1(name, pass, salt, iter))).toBe(opensslKdf("PBKDF1", name, pass, salt, iter, 16));
  });

  it("refuses a legacy digest here as unsupported, naming it", async () => {
    const { pkcs12Kdf } = await freshKdf(native);
    expect(() => pkcs12Kdf({ name: "md4", u: 16, v: 64 }, bmp("x"), salt, 3, 1, 16)).toThrow(
      "md4 needs OpenSSL's legacy provider, which is not available",
    );
  });
});
