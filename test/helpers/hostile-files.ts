import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { withMacIterations } from "./costly-files.mjs";

const FIXTURES = new URL("../../scripts/generate-fixtures.mjs", import.meta.url).href;

/** The valid files the mutations start from (scripts/generate-fixtures.mjs makes them). */
const SEEDS = ["leaf.der", "leaf.pem", "chain.p7b", "aes.p12", "rc2.p12", "3des.p12"] as const;

/** Iteration counts no file deserves: above the parser's cap, negative, zero, and beyond 64 bits. */
const ABSURD_ITERATIONS = [10_000_001, 2 ** 31 - 1, 2 ** 32, 2 ** 53 - 1, -1, 0];

type Seeds = Record<(typeof SEEDS)[number], Buffer>;

function pem(body: Buffer, label = "CERTIFICATE"): string {
  return `-----BEGIN ${label}-----\n${body.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

/** DER length octets claiming `length` bytes in `octets` bytes (0x80 | octets, then big-endian). */
function lengthField(length: bigint, octets: number): Buffer {
  const bytes = Buffer.alloc(octets);
  let rest = length;
  for (let i = octets - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return Buffer.concat([Buffer.from([0x80 | octets]), bytes]);
}

/** One hostile file's bytes and the extension it is given (the extension is only a hint to the parser). */
function hostileFile(seeds: Seeds): fc.Arbitrary<{ bytes: Buffer; ext: string }> {
  const seed = fc.constantFrom(...SEEDS).map((name) => ({ name, bytes: seeds[name] }));
  const ext = (name: string) => name.slice(name.lastIndexOf("."));
  const truncated = seed.chain(({ name, bytes }) =>
    fc.nat({ max: bytes.length - 1 }).map((at) => ({ bytes: bytes.subarray(0, at), ext: ext(name) })),
  );
  const mutated = seed.chain(({ name, bytes }) =>
    fc
      .array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((edits) => {
        const copy = Buffer.from(bytes);
        for (const [at, value] of edits) copy[at] = value;
        return { bytes: copy, ext: ext(name) };
      }),
  );
  // The certificate's outer length, or a length deeper in, replaced by an overlong or huge one.
  const overlong = fc
    .record({
      at: fc.nat({ max: seeds["leaf.der"].length - 8 }),
      length: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      octets: fc.integer({ min: 1, max: 126 }),
      outer: fc.boolean(),
    })
    .map(({ at, length, octets, outer }) => {
      const der = seeds["leaf.der"];
      const field = lengthField(length % (1n << BigInt(8 * Math.min(octets, 8))), octets);
      const bytes = outer
        ? Buffer.concat([der.subarray(0, 1), field, der.subarray(4)])
        : Buffer.concat([der.subarray(0, at + 1), field, der.subarray(at + 2)]);
      return { bytes, ext: ".der" };
    });
  const deep = fc
    .record({
      depth: fc.integer({ min: 100, max: 200_000 }),
      indefinite: fc.boolean(),
      armoured: fc.boolean(),
      tag: fc.constantFrom(0x30, 0x31, 0xa0, 0x24),
    })
    .map(({ depth, indefinite, armoured, tag }) => {
      const opening = indefinite ? [tag, 0x80] : [tag, 0x84, 0xff, 0xff, 0xff, 0xff];
      const body = Buffer.concat([
        Buffer.from(Array.from({ length: depth }, () => opening).flat()),
        indefinite ? Buffer.alloc(depth * 2) : Buffer.alloc(0),
      ]);
      return armoured ? { bytes: Buffer.from(pem(body)), ext: ".pem" } : { bytes: body, ext: ".der" };
    });
  const iterations = fc
    .record({
      seed: fc.constantFrom("aes.p12", "rc2.p12", "3des.p12") as fc.Arbitrary<"aes.p12">,
      count: fc.oneof(fc.constantFrom(...ABSURD_ITERATIONS), fc.bigInt({ min: 1n << 64n, max: 1n << 200n })),
    })
    .map(({ seed: name, count }) => ({ bytes: withMacIterations(seeds[name], count), ext: ".pfx" }));
  const armouredNoise = fc
    .record({
      bytes: fc.uint8Array({ minLength: 0, maxLength: 4096 }),
      label: fc.constantFrom("CERTIFICATE", "PKCS7", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"),
      prefix: fc.constantFrom(Buffer.from([0x30, 0x82, 0x04, 0x00]), Buffer.alloc(0)),
    })
    .map(({ bytes, label, prefix }) => ({
      bytes: Buffer.from(pem(Buffer.concat([prefix, Buffer.from(bytes)]), label)),
      ext: ".pem",
    }));
  return fc.oneof(truncated, mutated, overlong, deep, iterations, armouredNoise);
}

/** What `writeHostileFolder` made: the regular files, and the paths that are not readable regular files. */
export interface HostileFolder {
  dir: string;
  /** Every path the walk should report: `count` mutated files plus the odd names and the special files. */
  entries: number;
  /** Paths that must come back as `unreadable` (FIFO, symlink loop). */
  unreadable: string[];
  cleanup(): void;
}

/**
 * Writes `count` mutated certificate files (fast-check, seeded: the same files every run) into a new folder,
 * plus a symlink loop, a symlink to the folder itself, a FIFO, a file no one may read (root still can), a
 * directory named x.cer, and file names with a newline and with bytes that are not UTF-8.
 */
export async function writeHostileFolder(count: number, seed: number): Promise<HostileFolder> {
  const root = mkdtempSync(join(tmpdir(), "hostile-"));
  const seedDir = join(root, "seeds");
  const { generateFixtures } = (await import(FIXTURES)) as { generateFixtures(dir: string): void };
  generateFixtures(seedDir);
  const seeds = Object.fromEntries(SEEDS.map((name) => [name, readFileSync(join(seedDir, name))])) as Seeds;
  const dir = join(root, "certs");
  mkdirSync(dir);
  const files = fc.sample(hostileFile(seeds), { numRuns: count, seed });
  files.forEach(({ bytes, ext }, i) => {
    writeFileSync(join(dir, `hostile-${String(i).padStart(5, "0")}${ext}`), bytes);
  });
  symlinkSync(join(dir, "loop-b.cer"), join(dir, "loop-a.cer"));
  symlinkSync(join(dir, "loop-a.cer"), join(dir, "loop-b.cer"));
  symlinkSync(".", join(dir, "self"));
  execFileSync("mkfifo", [join(dir, "pipe.cer")]);
  writeFileSync(join(dir, "locked.cer"), seeds["leaf.der"]);
  chmodSync(join(dir, "locked.cer"), 0o000);
  mkdirSync(join(dir, "x.cer"));
  writeFileSync(join(dir, "new\nline.pem"), seeds["leaf.pem"]);
  writeFileSync(
    Buffer.concat([Buffer.from(`${dir}/latin1-`), Buffer.from([0xe9, 0xff]), Buffer.from(".der")]),
    seeds["leaf.der"],
  );
  return {
    dir,
    entries: count + 3 + 3,
    unreadable: [join(dir, "loop-a.cer"), join(dir, "loop-b.cer"), join(dir, "pipe.cer")],
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
