import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_PASSWORD, generateFixtures } from "@intune-codesign/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBytes } from "./parse-bytes.js";
import { parseFile } from "./parse-file.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = generateFixtures());
});
afterAll(() => cleanup());

const LEAF = "Contoso Code Signing [upload]";
// The CA is chain material: a file with a candidate yields only the candidate.
const CHAIN = [LEAF];

/** file, expected format, expected error code (or null), expected "subjectName [verdict]" list. */
const CASES: [string, string | null, string | null, string[]][] = [
  ["leaf.der", "der", null, [LEAF]],
  ["leaf.pem", "pem", null, [LEAF]],
  ["leaf-text.pem", "pem", null, [LEAF]],
  ["leaf-crlf.pem", "pem", null, [LEAF]],
  ["leaf-bom.pem", "pem", null, [LEAF]],
  ["leaf-utf16le.pem", "pem", null, [LEAF]],
  ["leaf-utf16be.pem", "pem", null, [LEAF]],
  ["leaf.b64", "base64", null, [LEAF]],
  ["leaf-wrapped.b64", "base64", null, [LEAF]],
  ["chain.p7b", "pkcs7", null, CHAIN],
  ["chain-pem.p7b", "pkcs7", null, CHAIN],
  ["bundle.pem", "pem", null, CHAIN],
  ["ca-only.pem", "pem", null, ["Fixture Root CA [ca_certificate]"]],
  ["two-signers.pem", "pem", null, [LEAF, "Second Signer [upload]"]],
  ["server-auth.der", "der", null, ["Contoso Code Signing [not_code_signing]"]],
  ["any-eku.der", "der", null, [LEAF]],
  ["no-eku.der", "der", null, [LEAF]],
  ["expired.der", "der", null, ["Contoso Code Signing [expired]"]],
  ["simple-ou.der", "der", null, ["Unit [upload]"]],
  ["simple-email.der", "der", null, ["a@b.example [upload]"]],
  ["simple-none.der", "der", null, ["L=Oslo, C=US [upload]"]],
  ["empty.cer", null, "empty_file", []],
  ["a-directory.cer", null, "unreadable", []],
  ["fifo.cer", null, "unreadable", []],
  ["notes.txt", null, "no_certificate", []],
  ["random.bin", null, "no_certificate", []],
  ["leaf.key", null, "no_certificate", []],
  ["key.der", "der", "no_certificate", []],
  ["request.csr", null, "no_certificate", []],
  ["request-der.csr", "der", "no_certificate", []],
  ["truncated.der", "der", "malformed", []],
  ["corrupt.pem", "pem", "malformed", []],
  ["broken-bundle.pem", "pem", "malformed", CHAIN],
];

const summary = (file: Awaited<ReturnType<typeof parseFile>>) =>
  file.certificates.map((c) => `${c.subjectName} [${c.upload ? "upload" : c.skipReason}]`);

describe("containers and errors", () => {
  it.each(CASES)("%s", async (name, format, code, certificates) => {
    const file = await parseFile(join(dir, name), {
      password: FIXTURE_PASSWORD,
      now: new Date("2026-01-01T00:00:00Z"),
    });
    expect(file.format).toBe(format);
    expect(file.error?.code ?? null).toBe(code);
    expect(summary(file)).toEqual(certificates);
    expect(file.path).toBe(join(dir, name));
  });

  it("derives every field of the leaf certificate", async () => {
    const der = readFileSync(join(dir, "leaf.der"));
    const [leaf] = (await parseFile(join(dir, "leaf.der"))).certificates;
    const reference = new X509Certificate(der);
    expect(leaf).toMatchObject({
      subject: 'CN=Contoso Code Signing, OU=Dev, O="Contoso, Ltd", L=Redmond, S=Washington, C=US',
      subjectName: "Contoso Code Signing",
      issuer: "CN=Fixture Root CA, O=Fixture",
      issuerName: "Fixture Root CA",
      notBefore: "2024-01-01T00:00:00Z",
      notAfter: "2040-06-30T12:00:00Z",
      serialNumber: "0123456789ab",
      isCA: false,
      keyUsage: ["digitalSignature"],
      extendedKeyUsage: ["1.3.6.1.5.5.7.3.3"],
      signatureAlgorithm: "ecdsa-with-SHA256",
      publicKeyAlgorithm: "rsaEncryption",
      publicKeySize: 2048,
      sha256: reference.fingerprint256.replaceAll(":", "").toLowerCase(),
      sha1: reference.fingerprint.replaceAll(":", "").toLowerCase(),
    });
    expect(Buffer.from(leaf!.der).equals(der)).toBe(true);
  });

  it("reports a CA's fields and an EC key's size", async () => {
    const [ca] = (await parseFile(join(dir, "ca.der"))).certificates;
    expect(ca).toMatchObject({ isCA: true, extendedKeyUsage: null, keyUsage: ["keyCertSign", "cRLSign"] });
    expect(ca).toMatchObject({ publicKeyAlgorithm: "id-ecPublicKey", publicKeySize: 256 });
  });

  it("names the broken block of a bundle and keeps the good ones", async () => {
    const file = await parseFile(join(dir, "broken-bundle.pem"));
    expect(file.error).toEqual({
      code: "malformed",
      message: "PEM block 2 (CERTIFICATE) holds corrupt base64",
    });
  });

  it("applies the size limit before reading, for files and for bytes", async () => {
    const file = await parseFile(join(dir, "leaf.der"), { maxFileSize: 100 });
    expect(file.error?.code).toBe("too_large");
    expect(parseBytes(readFileSync(join(dir, "leaf.der")), "x", { maxFileSize: 100 }).error?.code).toBe(
      "too_large",
    );
  });

  it("judges expiry against the given instant", async () => {
    const file = await parseFile(join(dir, "leaf.der"), { now: new Date("2041-01-01T00:00:00Z") });
    expect(summary(file)).toEqual(["Contoso Code Signing [expired]"]);
  });

  it("reports a missing file as unreadable", async () => {
    expect((await parseFile(join(dir, "missing.cer"))).error).toEqual({
      code: "unreadable",
      message: "cannot read: no such file",
    });
  });
});
