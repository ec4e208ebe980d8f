import { execFileSync } from "node:child_process";
import { closeSync, copyFileSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { type ExpectedSigner, generateSignedFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Parser from "../index.js";
import { parseFile } from "../parse-file.js";
import { type CertificateEntry, PARSE_ERROR_CODES, type ParsedFile } from "../types.js";
import { fileSource } from "./byte-source.js";
import { readHeadArtefact } from "./read-artefact.js";

let dir: string;
let expected: Record<string, ExpectedSigner[]>;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, expected, cleanup } = generateSignedFixtures());
});
afterAll(() => cleanup());

const FORMATS: Record<string, string> = {
  "signed.exe": "pe",
  "timestamped.exe": "pe",
  "countersigned.exe": "pe",
  "dual.exe": "pe",
  "renamed-artefact": "pe",
  "signed.msi": "msi",
  "dual.msi": "msi",
  "signed-v4.msi": "msi",
  "signed.cab": "cab",
  "signed.cat": "catalog",
  "dual.p7s": "pkcs7",
  "signed.ps1": "script",
  "signed-crlf-bom.ps1": "script",
  "signed-utf16.psm1": "script",
  "signed-lf.ps1": "script",
  "signed-utf16-nobom.psd1": "script",
  "Contoso.Tools_1.4.0.0_x64.msix": "msix",
  "Contoso.Tools_1.4.0.0.msixbundle": "msix",
  "AppxSignature.p7x": "msix",
  "mismatch.msix": "msix",
};

const signers = (file: ParsedFile): CertificateEntry[] =>
  file.certificates.filter((c) => c.signature?.role === "signer");

/** What a test compares: the fields that name a certificate, its verdict and provenance. */
const shown = (c: CertificateEntry) => ({
  subject: c.subject,
  reason: c.skipReason,
  role: c.signature?.role,
  index: c.signature?.index,
});

describe("signed artefacts: the signer's certificate", () => {
  it.each(Object.entries(FORMATS))(
    "%s (%s): the signers planned by the generator, and only they",
    async (name, format) => {
      const file = await parseFile(join(dir, name));
      expect(file.error).toBeNull();
      expect(file.format).toBe(format);
      const found = signers(file).map((c) => ({
        subject: c.subject,
        issuer: c.issuer,
        notAfter: c.notAfter,
        upload: c.upload,
      }));
      expect(found).toEqual(
        expected[name]!.map(({ subject, issuer, notAfter }) => ({ subject, issuer, notAfter, upload: true })),
      );
      // Every certificate that is not a signer is skipped.
      expect(file.certificates.filter((c) => c.upload)).toHaveLength(found.length);
    },
  );

  it("skips the chain as ca_certificate and a code-signing bystander as not_signer", async () => {
    const file = await parseFile(join(dir, "signed.exe"));
    expect(file.certificates.map(shown)).toEqual([
      { subject: "CN=Signed Fixture Root CA, O=Fixture", reason: "ca_certificate", role: "chain", index: 1 },
      {
        subject: "CN=Signed Fixture Intermediate CA, O=Fixture",
        reason: "ca_certificate",
        role: "chain",
        index: 1,
      },
      { subject: "CN=Contoso Other Signing, O=Contoso Ltd", reason: "not_signer", role: "chain", index: 1 },
      { subject: "CN=Contoso App Signing, O=Contoso Ltd, C=US", reason: null, role: "signer", index: 1 },
    ]);
  });

  it.each(["timestamped.exe", "signed.msi", "countersigned.exe"])(
    "%s: the timestamping authority (RFC 3161 token, or legacy countersignature) is not_code_signing",
    async (name) => {
      const file = await parseFile(join(dir, name));
      const tsa = file.certificates.filter((c) => c.signature?.role === "timestamp").map(shown);
      expect(tsa).toEqual([
        {
          subject: "CN=Fixture Timestamp Authority, O=Fixture",
          reason: "not_code_signing",
          role: "timestamp",
          index: 1,
        },
      ]);
    },
  );

  it("dual-signed PE: two signers, the SHA-1 one first and the nested SHA-256 one after it", async () => {
    const file = await parseFile(join(dir, "dual.exe"));
    expect(signers(file).map((c) => ({ name: c.subjectName, ...c.signature }))).toEqual([
      {
        name: "Fabrikam Legacy Signing",
        index: 1,
        nestedIn: null,
        role: "signer",
        digestAlgorithm: "sha1",
        sha1Digest: true,
      },
      {
        name: "Contoso App Signing",
        index: 2,
        nestedIn: 1,
        role: "signer",
        digestAlgorithm: "sha256",
        sha1Digest: false,
      },
    ]);
  });

  it.each([
    ["Contoso.Tools_1.4.0.0_x64.msix", true],
    ["Contoso.Tools_1.4.0.0.msixbundle", true],
    ["mismatch.msix", false],
  ])("%s: whether the signer is the manifest's Publisher (%s)", async (name, match) => {
    const file = await parseFile(join(dir, name));
    expect(signers(file).map((c) => c.signature?.publisherMatch)).toEqual([match]);
  });

  it("MSIX: a signer named by subject key identifier (SignerInfo version 3) is found", async () => {
    const sig = readFileSync(join(dir, "Contoso.Tools_1.4.0.0_x64.msix.d", "sig.der"));
    // The generator asked openssl for -keyid: the sid is [0], not IssuerAndSerialNumber.
    expect(sig.includes(Buffer.from([0x02, 0x01, 0x03]))).toBe(true);
    const file = await parseFile(join(dir, "Contoso.Tools_1.4.0.0_x64.msix"));
    expect(signers(file).map((c) => c.subjectName)).toEqual(["Contoso App Signing"]);
  });
});

describe("signed artefacts on the parser pool", () => {
  it("workers return what parseFile returns, MSIX (read asynchronously) batched with the rest", async () => {
    // Workers run the built JavaScript (dist), as the CLI does; `pnpm test` builds first.
    const built = new URL("../../dist/index.js", import.meta.url).href;
    const { createParserPool } = (await import(built)) as typeof Parser;
    const pool = createParserPool({ threads: 2 });
    const paths = [...Object.keys(FORMATS), "unsigned.exe", "bomb.msix", "archive.zip", "contoso.cer"].map(
      (name) => join(dir, name),
    );
    const now = new Date("2026-01-01T00:00:00Z");
    try {
      const pooled = await Promise.all(paths.map((path) => pool.parseFile(path, { now })));
      const direct = await Promise.all(paths.map((path) => parseFile(path, { now })));
      expect(pooled).toEqual(direct);
      const packages = Object.values(FORMATS).filter((format) => format === "msix");
      expect(pooled.filter((f) => f.format === "msix" && f.error === null)).toHaveLength(packages.length);
    } finally {
      await pool.close();
    }
  });
});

describe("signed artefacts: unsigned, truncated and hostile", () => {
  it.each([
    ["unsigned.exe", "pe", "unsigned PE image: it carries no signature"],
    ["unsigned.msi", "msi", "unsigned MSI package: it carries no signature"],
    ["unsigned-v4.msi", "msi", "unsigned MSI package: it carries no signature"],
    ["decoy.msi", "msi", "unsigned MSI package: it carries no signature"],
    ["unsigned.cab", "cab", "unsigned cabinet: it carries no signature"],
    ["unsigned.cat", "catalog", "unsigned catalog: it carries no signature"],
    ["unsigned.ps1", "script", "unsigned script: it carries no signature"],
    ["unsigned.msix", "msix", "unsigned MSIX/APPX package: it carries no signature"],
    ["archive.zip", null, "a ZIP file that is not an MSIX/APPX package (no AppxManifest.xml)"],
  ])("%s is no_certificate, unsigned (or no package)", async (name, format, message) => {
    const file = await parseFile(join(dir, name));
    expect(file).toMatchObject({ format, error: { code: "no_certificate", message }, certificates: [] });
  });

  it.each([
    ["truncated.exe", "the certificate table runs past the end of the file (truncated?)"],
    ["truncated.msi", "MSI: not a readable compound file"],
    ["bomb.msix", "MSIX: AppxSignature.p7x is larger than 1048576 bytes"],
  ])("%s is malformed", async (name, message) => {
    const file = await parseFile(join(dir, name));
    expect(file.error?.code).toBe("malformed");
    expect(file.error?.message).toContain(message);
    expect(file.certificates).toEqual([]);
  });

  it("a PE cut inside its headers is malformed", async () => {
    const path = join(dir, "cut-header.exe");
    writeFileSync(path, readFileSync(join(dir, "signed.exe")).subarray(0, 0x50));
    expect((await parseFile(path)).error).toEqual({
      code: "malformed",
      message: "the PE header runs past the end of the file (truncated?)",
    });
  });

  it("a script whose block has no end line is malformed", async () => {
    const path = join(dir, "cut.ps1");
    writeFileSync(
      path,
      readFileSync(join(dir, "signed.ps1"), "utf8").replace("# SIG # End signature block", ""),
    );
    expect((await parseFile(path)).error).toEqual({
      code: "malformed",
      message: "script: the signature block has no end line",
    });
  });

  it("a signed artefact above --max-file-size is read under its own limit", async () => {
    const path = join(dir, "signed.exe");
    expect(signers(await parseFile(path, { maxFileSize: 100 }))).toHaveLength(1);
    expect((await parseFile(path, { maxSignedFileSize: 100 })).error?.code).toBe("too_large");
  });
});

describe("signed artefacts: what is read", () => {
  it("a 2 GiB sparse PE costs its headers and certificate table, not 2 GiB of reads", () => {
    const path = join(dir, "huge.exe");
    const signed = readFileSync(join(dir, "signed.exe"));
    // The certificate table moves to the end of a 2 GiB image: the data directory's offset is a file offset.
    const tableAt = signed.readUInt32LE(0x40 + 24 + 112 + 4 * 8);
    const tableSize = signed.readUInt32LE(0x40 + 24 + 112 + 4 * 8 + 4);
    const size = 2 * 1024 ** 3;
    const header = Buffer.from(signed.subarray(0, 0x400));
    header.writeUInt32LE(size - tableSize, 0x40 + 24 + 112 + 4 * 8);
    copyFileSync(join(dir, "unsigned.exe"), path);
    const fd = openSync(path, "r+");
    try {
      writeSync(fd, header, 0, header.length, 0);
      writeSync(fd, signed, tableAt, tableSize, size - tableSize);
    } finally {
      closeSync(fd);
    }
    const read = openSync(path, "r");
    try {
      const source = fileSource(read, size);
      const file = readHeadArtefact("pe", source, path, {}) as ParsedFile;
      expect(signers(file).map((c) => c.subjectName)).toEqual(["Contoso App Signing"]);
      expect(source.bytesRead).toBe(0x40 + 24 + 0xf0 + tableSize);
    } finally {
      closeSync(read);
    }
  });

  it("an MSIX with a 64 MiB payload costs its end records, central directory and signature entry", async () => {
    const path = join(dir, "payload.msix");
    execFileSync("python3", [
      "-c",
      "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    z.writestr('payload.bin', bytes(64 << 20))\n    z.write(sys.argv[2], 'AppxSignature.p7x')\n",
      path,
      join(dir, "Contoso.Tools_1.4.0.0_x64.msix.d", "AppxSignature.p7x"),
    ]);
    const { size } = statSync(path);
    const fd = openSync(path, "r");
    try {
      const source = fileSource(fd, size);
      const file = await readHeadArtefact("msix", source, path, {});
      expect(signers(file).map((c) => c.subjectName)).toEqual(["Contoso App Signing"]);
      expect(source.bytesRead).toBeLessThan(128 * 1024);
    } finally {
      closeSync(fd);
    }
  });
});

describe("signed artefacts: mutated", () => {
  /** A deterministic xorshift generator, so a failure names a reproducible case. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
  }

  it.each(Object.keys(FORMATS))(
    "%s, cut and corrupted 40 ways: a result or a typed error, never a throw",
    async (name) => {
      const original = readFileSync(join(dir, name));
      const next = random(original.length);
      for (let round = 0; round < 40; round++) {
        const bytes = Buffer.from(
          original.subarray(0, Math.max(1, Math.floor(next() * original.length * 1.2))),
        );
        for (let flips = 0; flips < round % 5; flips++)
          bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        const path = join(dir, `mutated-${round}-${name}`);
        writeFileSync(path, bytes);
        const file = await parseFile(path);
        if (file.error) expect(PARSE_ERROR_CODES).toContain(file.error.code);
        else expect(file.certificates.length).toBeGreaterThan(0);
      }
    },
  );
});
