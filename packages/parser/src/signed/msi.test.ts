import { execFileSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { generateSignedFixtures } from "@intune-codesign/testkit/fixtures";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ParseError } from "../parse-error.js";
import { parseFile } from "../parse-file.js";
import { bytesSource, fileSource } from "./byte-source.js";
import { msiSignature } from "./msi.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateSignedFixtures());
});
afterAll(() => cleanup());

/** The signature as osslsigncode extracts it: the oracle. */
function extracted(name: string): Buffer {
  const out = join(dir, `${name}.sig`);
  rmSync(out, { force: true });
  execFileSync("osslsigncode", ["extract-signature", "-in", name, "-out", out], { cwd: dir, stdio: "pipe" });
  return readFileSync(out);
}

/** The signature found in the file at `path` and the bytes read to find it (the header not read ahead). */
function signatureOf(path: string): { der: Uint8Array | null; bytesRead: number } {
  const fd = openSync(path, "r");
  try {
    const source = fileSource(fd, statSync(path).size);
    return { der: msiSignature(source), bytesRead: source.bytesRead };
  } finally {
    closeSync(fd);
  }
}

/** Where things are in a version 3 compound file, read here from MS-CFB's layout (not through the reader). */
function layout(bytes: Buffer) {
  const sector = (n: number) => (n + 1) * 512;
  const directory = sector(bytes.readUInt32LE(0x30));
  /** The offset of the first directory sector's entry called `name`. */
  const entry = (name: string) => {
    for (let at = directory; at < directory + 512; at += 128) {
      const length = bytes.readUInt16LE(at + 0x40);
      if (length >= 2 && bytes.toString("utf16le", at, at + length - 2) === name) return at;
    }
    throw new Error(`no entry ${name}`);
  };
  return { sector, fat: sector(bytes.readUInt32LE(0x4c)), directory, entry };
}

const SIGNATURE = "\u0005DigitalSignature";
const PREFIX = "MSI: not a readable compound file";

describe("MSI: the signature stream, read sector by sector", () => {
  // Each figure: the 512-byte header, the structure sectors the chains pass through, and the signature itself.
  it.each([
    // Mini stream (3433 bytes < 4096): directory sector, mini FAT, the FAT sector for the mini stream's chain.
    ["signed.msi", 512 + 3 * 512],
    // Regular sectors (a nested signature, over 4096 bytes): directory sector, the FAT sector for its chain.
    ["dual.msi", 512 + 2 * 512],
    // Version 4, mini stream: directory and mini FAT sectors of 4096 bytes; the mini stream is one sector.
    ["signed-v4.msi", 512 + 2 * 4096],
  ])("%s: the DER osslsigncode extracts, for %d bytes of structure", (name, structure) => {
    const oracle = extracted(name);
    const { der, bytesRead } = signatureOf(join(dir, name));
    expect(Buffer.from(der!)).toEqual(oracle);
    expect(bytesRead).toBe(structure + oracle.length);
  });

  it.each([
    ["unsigned.msi", 512 + 512],
    ["unsigned-v4.msi", 512 + 4096],
    // The signature-named stream inside a child storage is not read: two directory sectors and the FAT sector
    // linking them (the root's children run on into the second), nothing else.
    ["decoy.msi", 512 + 3 * 512],
  ])("%s: no signature stream in the root storage is null, after %d bytes", (name, read) => {
    expect(signatureOf(join(dir, name))).toEqual({ der: null, bytesRead: read });
  });

  it("32 MiB MSIs: the signature for some kilobytes of reads, through the DIFAT beyond the header", () => {
    const CFB = createRequire(import.meta.url)("cfb");
    const container = CFB.utils.cfb_new();
    CFB.utils.cfb_add(container, "/Payload", Buffer.alloc(32 * 1024 ** 2, 7));
    writeFileSync(join(dir, "big-unsigned.msi"), CFB.write(container, { type: "buffer" }));
    // osslsigncode writes a file this large as version 4: header, directory and mini FAT sectors.
    execFileSync(
      "osslsigncode",
      [
        "sign",
        "-certs",
        "contoso-chain.pem",
        "-key",
        "contoso.key",
        "-in",
        "big-unsigned.msi",
        "-out",
        "big.msi",
      ],
      { cwd: dir, stdio: "pipe" },
    );
    const signed = signatureOf(join(dir, "big.msi"));
    expect(Buffer.from(signed.der!)).toEqual(extracted("big.msi"));
    expect(signed.bytesRead).toBe(512 + 2 * 4096 + signed.der!.length);
    // cfb writes version 3, its 517 FAT sectors listed by the header's 109 DIFAT entries and 4 DIFAT sectors; the
    // signature (4733 bytes, regular sectors) is written after the payload, so its FAT sector is FAT sector 516,
    // listed in the 4th DIFAT sector: header, directory, 4 DIFAT sectors, 1 FAT sector, the signature.
    const der = extracted("dual.msi");
    CFB.utils.cfb_add(container, `/${SIGNATURE}`, der);
    writeFileSync(join(dir, "big-v3.msi"), CFB.write(container, { type: "buffer" }));
    const v3 = signatureOf(join(dir, "big-v3.msi"));
    expect(Buffer.from(v3.der!)).toEqual(der);
    expect(v3.bytesRead).toBe(512 + 512 + 4 * 512 + 512 + der.length);
  });
});

describe("MSI: malformed compound files, each with what is wrong", () => {
  /** `name`'s bytes changed in place by `edit`, or replaced by the bytes it returns, parsed from a file. */
  async function parsedAfter(name: string, edit: (bytes: Buffer) => unknown) {
    const original = readFileSync(join(dir, name));
    const edited = edit(original);
    const path = join(dir, `edited-${name}`);
    writeFileSync(path, Buffer.isBuffer(edited) ? edited : original);
    return (await parseFile(path)).error;
  }

  it.each<[string, string, (bytes: Buffer) => unknown, string]>([
    [
      "a truncated header",
      "signed.msi",
      (b) => b.subarray(0, 300),
      "the header is cut short: the file is 300 bytes",
    ],
    [
      "a big-endian byte order mark",
      "signed.msi",
      (b) => void b.writeUInt16LE(0xfeff, 0x1c),
      "byte order mark 0xFEFF, not 0xFFFE",
    ],
    [
      "4096-byte sectors in version 3",
      "signed.msi",
      (b) => void b.writeUInt16LE(12, 0x1e),
      "sector shift 12 in a version 3 file, not 9",
    ],
    [
      "128-byte mini sectors",
      "signed.msi",
      (b) => void b.writeUInt16LE(7, 0x20),
      "mini sector shift 7, not 6",
    ],
    ["version 5", "signed.msi", (b) => void b.writeUInt16LE(5, 0x1a), "major version 5, not 3 or 4"],
    [
      "a directory sector past the end",
      "signed.msi",
      (b) => void b.writeUInt32LE(5000, 0x30),
      "the directory chain names sector 5000, past the end of the file (12 sectors)",
    ],
    [
      "a FAT chain that loops",
      "dual.msi",
      (b) => {
        const { fat, entry } = layout(b);
        const start = b.readUInt32LE(entry(SIGNATURE) + 0x74);
        // The chain runs start, start + 1, …: its fifth link leads back to its second sector.
        b.writeUInt32LE(start + 1, fat + 4 * (start + 4));
      },
      "the signature stream chain loops back to sector 1",
    ],
    [
      "a chain shorter than its stream",
      "dual.msi",
      (b) => void b.writeUInt32LE(8000, layout(b).entry(SIGNATURE) + 0x78),
      "the signature stream chain ends after 10 of 16 sectors",
    ],
    [
      "a mini sector past the end of the mini stream",
      "signed.msi",
      (b) => void b.writeUInt32LE(9999, layout(b).entry(SIGNATURE) + 0x74),
      "the signature stream chain names mini sector 9999, past the end of the mini stream (57 mini sectors)",
    ],
    [
      "a sibling-tree cycle",
      "signed.msi",
      (b) => {
        const { entry } = layout(b);
        // Root → 1 → (right) 2 → (right) back to 1, before the signature (3) is reached.
        b.writeUInt32LE(1, entry("\u0001Sh33tJ5") + 0x48);
      },
      "the root storage's sibling tree reaches entry 1 twice",
    ],
    [
      "a child id past the directory",
      "signed.msi",
      (b) => void b.writeUInt32LE(1000, layout(b).directory + 0x4c),
      "directory entry 1000 is past the end of the directory (2 sectors)",
    ],
  ])("%s (%s)", async (_, name, edit, reason) => {
    expect(await parsedAfter(name, edit)).toEqual({ code: "malformed", message: `${PREFIX} (${reason})` });
  });

  it("a signature stream claiming more than 16 MiB is refused before it is read", async () => {
    const edit = (b: Buffer) => void b.writeUInt32LE(16 * 1024 ** 2 + 1, layout(b).entry(SIGNATURE) + 0x78);
    expect(await parsedAfter("dual.msi", edit)).toEqual({
      code: "malformed",
      message: "MSI: signature stream of 16777217 bytes (limit 16777216)",
    });
  });

  it("random corruption of the structure: the signature or a typed MSI error, never another throw", () => {
    const original = readFileSync(join(dir, "dual.msi"));
    const { fat, directory } = layout(original);
    // The header, the directory's first sector and the FAT: what the reader walks before the signature's bytes.
    const structure = fc.oneof(
      fc.nat({ max: 511 }),
      fc.integer({ min: directory, max: directory + 511 }),
      fc.integer({ min: fat, max: fat + 511 }),
    );
    const edits = fc.array(fc.tuple(structure, fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(edits, (changes) => {
        const bytes = Buffer.from(original);
        for (const [at, value] of changes) bytes[at] = value;
        const source = bytesSource(bytes);
        try {
          const der = msiSignature(source);
          expect(der === null || der.length <= 16 * 1024 ** 2).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
          expect((error as ParseError).message).toMatch(/^MSI: /);
        }
        expect(source.bytesRead).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 500, seed: 20251202 },
    );
  });
});
